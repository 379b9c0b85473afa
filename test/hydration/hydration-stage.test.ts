// The hydration stage inside the real tenant program (under the plan mocks, in a plain Node
// process): cluster -> DataSync -> Hydration, the nodes' user data, and the agent bundle.
import { spawnSync } from "child_process";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { parseAgentConfig } from "../../components/hydration/agent/config";
import { buildAgentBundle } from "../../components/hydration/agent/bundle";
import { agentObjectKey } from "../../components/hydration/userdata";
import { parse as parseYaml } from "yaml";
import { hydrationSchema } from "../../stacks/config/hydration";
import { formatIssues, parseTenantConfig, rawConfigFromPulumi, type RawConfig } from "../../stacks/config";
import { readStackConfig, stackConfigPath } from "../../scripts/plan/run";

const ROOT = path.resolve(__dirname, "../..");

interface Record_ { type: string; name: string; inputs: Record<string, any> }

function plan(stack: string, endpoints?: Record<string, unknown>): Record_[] {
  const env = { ...process.env, ...(endpoints ? { TUNDRA_FIXTURE_ENDPOINTS: JSON.stringify(endpoints) } : {}) };
  const r = spawnSync(process.execPath, ["--import", "tsx", "test/fixtures/hydration-stage-plan.ts", stack], { cwd: ROOT, env, encoding: "utf8", timeout: 90_000, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`stage plan exited ${r.status}:\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe("hydration stage in the tenant program", () => {
  const records = plan("staging");
  const instances = records.filter((r) => r.type === "oci:Core/instance:Instance");
  const hydration = records.find((r) => r.type === "pulumi-nodejs:dynamic/hydration:Hydration")!;

  it("declares Hydration for every node, loading DataSync's generation", () => {
    expect(instances.length).toBeGreaterThan(0);
    expect(hydration).toBeDefined();
    // The agents report under the instance display name: the names must be the same.
    expect(hydration.inputs.nodes).toEqual(instances.map((i) => i.inputs.displayName));
    expect(hydration.inputs).toMatchObject({ generation: `sha256:${"ab".repeat(32)}`, prefix: "warehouse", timeoutSeconds: 600 });
  });

  it("requires a multipath attachment on every node of the UHP cluster, fed by each attachment's isMultipath", () => {
    const attachments = records.filter((r) => r.type === "oci:Core/volumeAttachment:VolumeAttachment").map((r) => r.name).sort();
    expect(hydration.inputs.requireMultipath).toBe(true);
    expect(Object.keys(hydration.inputs.dataAttachmentMultipath)).toEqual(hydration.inputs.nodes);
    // The plan cannot know OCI's answer: each node's value comes from its own attachment.
    expect(Object.values(hydration.inputs.dataAttachmentMultipath).sort()).toEqual(attachments.map((a) => `(known after apply: ${a}.isMultipath)`));
  });

  it("gives every node the user data that installs the agent for this bucket, prefix and region", () => {
    const bucket = records.find((r) => r.type === "oci:ObjectStorage/bucket:Bucket")!;
    for (const instance of instances) {
      const text = Buffer.from(instance.inputs.metadata.user_data, "base64").toString();
      const doc = parseYaml(text) as { write_files: { path: string; content: string }[] };
      const config = parseAgentConfig(doc.write_files.find((f) => f.path === "/etc/tundra/hydration-agent.json")!.content);
      expect(config).toMatchObject({ bucket: bucket.inputs.name, prefix: "warehouse/", namespace: hydration.inputs.namespace, region: hydration.inputs.region, auth: "instance_principal", requireMountPoint: true });
    }
  });

  it("uploads the agent bundle the user data pins, by its SHA-256 and size (the provider host builds it)", () => {
    const { sha256, script } = buildAgentBundle();
    const upload = records.find((r) => r.type === "pulumi-nodejs:dynamic/hydration:AgentBundleUpload")!;
    expect(upload.inputs).toMatchObject({ objectName: agentObjectKey("_tundra/hydration/", sha256), sha256, size: Buffer.byteLength(script), region: hydration.inputs.region });
    expect(upload.inputs).not.toHaveProperty("content");
    expect(records.filter((r) => r.type === "oci:ObjectStorage/storageObject:StorageObject")).toEqual([]);
  });
});

describe("tundra:hydration config section", () => {
  it("takes numbers as pulumi config gives them, and names what is wrong", () => {
    expect(hydrationSchema.parse({ timeoutSeconds: "900", concurrency: 32, dataRoot: "/data" })).toEqual({ timeoutSeconds: 900, concurrency: 32, dataRoot: "/data" });
    expect(hydrationSchema.parse(undefined)).toBeUndefined();
    const result = hydrationSchema.safeParse({ timeoutSeconds: 5, dataRoot: "relative", npmRegistry: "http://mirror", sshKey: "x" });
    const messages = result.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(messages).toEqual(expect.arrayContaining([
      "timeoutSeconds: must be at least 10 (got 5)",
      'dataRoot: must be an absolute path such as /mnt/tundra (got "relative")',
      'npmRegistry: is no longer used: nodes install no npm packages (the agent is one self-contained bundle in the tenant bucket); delete this key',
    ]));
    expect(messages.some((m) => m.includes("sshKey"))).toBe(true);
  });
});

describe("tundra:hydration: what needs the internet needs the NAT gateway", () => {
  const staging = (): RawConfig => rawConfigFromPulumi(readStackConfig(stackConfigPath("staging")));
  const SHA = "a".repeat(64);
  function withHydration(patch: Record<string, unknown>, natGateway?: boolean): RawConfig {
    const raw = staging();
    return {
      ...raw,
      hydration: { ...(raw.hydration as Record<string, unknown>), ...patch },
      network: { ...(raw.network as Record<string, unknown>), ...(natGateway === undefined ? {} : { natGateway }) },
    };
  }

  it("boots from the OS repositories and the bucket by default: no NAT gateway needed", () => {
    const r = parseTenantConfig(staging());
    expect(r.ok ? [] : formatIssues(r.issues)).toEqual([]);
    expect(r.ok && r.config.network.natGateway).toBe(false);
  });

  it("refuses a Node.js tarball from the internet without a NAT gateway, naming both keys", () => {
    const raw = withHydration({ nodeRuntimeUrl: "https://nodejs.org/dist/v22.23.3/node-v22.23.3-linux-x64.tar.xz", nodeRuntimeSha256: SHA });
    const r = parseTenantConfig(raw);
    expect(r.ok).toBe(false);
    const issue = !r.ok && r.issues.find((i) => i.key === "tundra:hydration.nodeRuntimeUrl");
    expect(issue && issue.message).toContain("tundra:network.natGateway: true");
    expect(issue && issue.message).toContain("nodejs.org");
    // With the NAT gateway the same choice is accepted.
    const withNat = parseTenantConfig(withHydration({ nodeRuntimeUrl: "https://nodejs.org/dist/v22.23.3/node-v22.23.3-linux-x64.tar.xz", nodeRuntimeSha256: SHA }, true));
    expect(withNat.ok ? [] : formatIssues(withNat.issues)).toEqual([]);
  });

  it("accepts a tarball in the region's Object Storage (service gateway) without one, but not another region's", () => {
    const region = (staging().tenant as { region: string }).region;
    const inRegion = parseTenantConfig(withHydration({ nodeRuntimeUrl: `https://objectstorage.${region}.oraclecloud.com/p/tok/n/ns/b/tundra-acme-staging/o/node.tar.xz`, nodeRuntimeSha256: SHA }));
    expect(inRegion.ok ? [] : formatIssues(inRegion.issues)).toEqual([]);
    const otherRegion = parseTenantConfig(withHydration({ nodeRuntimeUrl: "https://objectstorage.eu-frankfurt-1.oraclecloud.com/p/tok/n/ns/b/x/o/node.tar.xz", nodeRuntimeSha256: SHA }));
    expect(!otherRegion.ok && otherRegion.issues.map((i) => i.key)).toContain("tundra:hydration.nodeRuntimeUrl");
  });

  it("wants the tarball's SHA-256 with its URL", () => {
    const r = parseTenantConfig(withHydration({ nodeRuntimeUrl: "https://nodejs.org/x.tar.xz" }, true));
    expect(!r.ok && r.issues.find((i) => i.key === "tundra:hydration.nodeRuntimeSha256")?.message).toMatch(/go together/);
    const bad = parseTenantConfig(withHydration({ nodeRuntimeUrl: "https://nodejs.org/x.tar.xz", nodeRuntimeSha256: "ABC" }, true));
    expect(!bad.ok && bad.issues.find((i) => i.key === "tundra:hydration.nodeRuntimeSha256")?.message).toMatch(/64 lower-case hex/);
  });
});

describe("tundra:endpoints reach the resource inputs that call those services (no rewriting behind the program)", () => {
  const endpoints = { ociObjectStorage: "http://127.0.0.1:9100", s3: "http://127.0.0.1:9200", route53: "http://127.0.0.1:9300" };
  const records = plan("staging", endpoints);
  const agentConfigs = records
    .filter((r) => r.type === "oci:Core/instance:Instance")
    .map((i) => (parseYaml(Buffer.from(i.inputs.metadata.user_data, "base64").toString()) as { write_files: { path: string; content: string }[] }).write_files)
    .map((files) => parseAgentConfig(files.find((f) => f.path === "/etc/tundra/hydration-agent.json")!.content));

  it("OCI Object Storage: the Hydration, the DataSync destination and every agent's config", () => {
    expect(records.find((r) => r.type === "pulumi-nodejs:dynamic/hydration:Hydration")!.inputs.endpoint).toBe(endpoints.ociObjectStorage);
    expect(records.find((r) => r.type === "pulumi-nodejs:dynamic/datasync:DataSync")!.inputs.destination.endpoint).toBe(endpoints.ociObjectStorage);
    expect(records.find((r) => r.type === "pulumi-nodejs:dynamic/hydration:AgentBundleUpload")!.inputs.endpoint).toBe(endpoints.ociObjectStorage);
    expect(agentConfigs.length).toBeGreaterThan(0);
    for (const config of agentConfigs) expect(config.endpoint).toBe(endpoints.ociObjectStorage);
  });

  it("S3: the DataSync source, path-style by default for an endpoint of one's own", () => {
    expect(records.find((r) => r.type === "pulumi-nodejs:dynamic/datasync:DataSync")!.inputs.source).toMatchObject({ endpoint: endpoints.s3, forcePathStyle: true });
  });

  it("none of them without the section", () => {
    const plain = plan("staging");
    expect(plain.find((r) => r.type === "pulumi-nodejs:dynamic/hydration:Hydration")!.inputs.endpoint).toBeUndefined();
    expect(plain.find((r) => r.type === "pulumi-nodejs:dynamic/datasync:DataSync")!.inputs.destination.endpoint).toBeUndefined();
  });
});
