// The hydration stage inside the real tenant program (under the plan mocks, in a plain Node
// process): cluster -> DataSync -> Hydration, the nodes' user data, and the agent bundle.
import { spawnSync } from "child_process";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { parseAgentConfig } from "../components/hydration/agent/config";
import { buildAgentBundle } from "../components/hydration/agent/bundle";
import { agentObjectKey } from "../components/hydration/userdata";
import { parse as parseYaml } from "yaml";
import { hydrationSchema } from "../stacks/config/hydration";

const ROOT = path.resolve(__dirname, "..");

interface Record_ { type: string; name: string; inputs: Record<string, any> }

function plan(stack: string): Record_[] {
  const r = spawnSync(process.execPath, ["--import", "tsx", "test/fixtures/hydration-stage-plan.ts", stack], { cwd: ROOT, encoding: "utf8", timeout: 90_000 });
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

  it("uploads the agent bundle the user data pins", () => {
    const object = records.find((r) => r.type === "oci:ObjectStorage/storageObject:StorageObject")!;
    expect(object.inputs.object).toBe(agentObjectKey("_tundra/hydration/", buildAgentBundle().sha256));
    expect(object.inputs.content).toBe(buildAgentBundle().script);
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
      'npmRegistry: must be an https URL (got "http://mirror")',
    ]));
    expect(messages.some((m) => m.includes("sshKey"))).toBe(true);
  });
});
