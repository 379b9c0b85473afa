// TundraCluster and the migration stages, through the real tenant program under the plan mocks:
// a 1-AD region with more nodes than fault domains, the hydration cloud-init, and stages in order.
import { beforeAll, describe, expect, it } from "vitest";
import { placeNodes } from "../../components/oci/placement";
import { DATA_DEVICE_PATH } from "../../components/oci/cluster";
import { planProgram, type Plan } from "../../scripts/plan/run";
import { tenantProgram } from "../../stacks/tenant";
import { parseTenantConfig, rawConfigFromPulumi, type TenantConfig } from "../../stacks/config";
import type { Site } from "../../stacks/foundation";
import { nodeUserData } from "../../stacks/hydration-stage";
import { T, ofType } from "../support/scripts";

describe("placeNodes", () => {
  const ads3 = ["Uocm:US-ASHBURN-AD-1", "Uocm:US-ASHBURN-AD-2", "Uocm:US-ASHBURN-AD-3"];

  it("puts 3 nodes in 3 different ADs (seed mistake: all in availability_domains[0])", () => {
    expect(placeNodes(3, ads3).map((p) => p.availabilityDomain)).toEqual(ads3);
  });

  it("round-robins ADs and gives the second node of an AD another fault domain", () => {
    expect(placeNodes(6, ads3).map((p) => `${p.availabilityDomain.slice(-4)}/${p.faultDomain.slice(-1)}`)).toEqual([
      "AD-1/1", "AD-2/1", "AD-3/1", "AD-1/2", "AD-2/2", "AD-3/2",
    ]);
  });

  it("spreads a 1-AD cluster over the three fault domains", () => {
    expect(placeNodes(5, ["Uocm:CA-TORONTO-1-AD-1"]).map((p) => p.faultDomain)).toEqual([
      "FAULT-DOMAIN-1", "FAULT-DOMAIN-2", "FAULT-DOMAIN-3", "FAULT-DOMAIN-1", "FAULT-DOMAIN-2",
    ]);
  });

  it("refuses to place without availability domains", () => {
    expect(() => placeNodes(3, [])).toThrow(/no availability domains/);
  });
});

describe("tenant program, 1-AD region, 5 nodes, with data sync", () => {
  const config: Record<string, string> = {
    "tundra:tenant": JSON.stringify({ id: "globex", env: "staging", compartmentId: "ocid1.compartment.oc1..aaaaglobex", tenancyId: "ocid1.tenancy.oc1..aaaatenancy", region: "eu-amsterdam-1", homeRegion: "eu-frankfurt-1" }),
    "tundra:network": JSON.stringify({ vcnCidr: "10.70.0.0/16", nodeSubnetCidr: "10.70.0.0/20", lbSubnetCidr: "10.70.16.0/24" }),
    "tundra:cluster": JSON.stringify({ nodeCount: 5, shape: "VM.Standard.E4.Flex", ocpus: 16, memoryInGbs: 64, imageId: "ocid1.image.oc1.ams.aaaaimage", dataVolume: { sizeInGbs: 200, vpusPerGb: 120 } }),
    "tundra:loadBalancer": JSON.stringify({ minBandwidthMbps: 10, maxBandwidthMbps: 10, allowedCidrs: ["172.16.0.0/12"] }),
    // Data sync and hydration; no validation, no cutover.
    "tundra:dataSync": JSON.stringify({ source: { bucket: "globex-data", prefix: "globex/", region: "eu-west-1" }, generation: "2026-12-01" }),
  };
  let tenantConfig: TenantConfig;
  let plan: Plan;
  let outputs: Record<string, any>;
  let dependsOn: Record<string, string[]>;

  beforeAll(async () => {
    const parsed = parseTenantConfig(rawConfigFromPulumi(config));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    tenantConfig = parsed.config;
    const result = await planProgram("globex-staging", config, () => tenantProgram(parsed.config));
    plan = result;
    outputs = result.outputs;
    dependsOn = result.dependsOn;
  });

  it("places the five nodes in the one AD across fault domains 1,2,3,1,2", () => {
    const instances = ofType(plan, T.instance).sort((a, b) => a.name.localeCompare(b.name));
    expect(new Set(instances.map((i) => i.inputs.availabilityDomain))).toEqual(new Set(["Uocm:EU-AMSTERDAM-1-AD-1"]));
    expect(instances.map((i) => i.inputs.faultDomain)).toEqual(["FAULT-DOMAIN-1", "FAULT-DOMAIN-2", "FAULT-DOMAIN-3", "FAULT-DOMAIN-1", "FAULT-DOMAIN-2"]);
  });

  it("rolls node changes one node at a time: each node waits for the one before", () => {
    expect([0, 1, 2, 3, 4].map((i) => dependsOn[`globex-cluster-node-${i}`] ?? [])).toEqual([
      ["globex-identity"], ["globex-cluster-node-0"], ["globex-cluster-node-1"], ["globex-cluster-node-2"], ["globex-cluster-node-3"],
    ]);
  });

  it("passes the hydration cloud-init to every node as base64 user_data", () => {
    const userData = nodeUserData({ config: tenantConfig, namespace: outputs.namespace, bucketName: outputs.bucketName } as Site);
    expect(userData).toContain("#cloud-config");
    for (const i of ofType(plan, T.instance)) {
      const metadata = i.inputs.metadata as { user_data: string };
      expect(Buffer.from(metadata.user_data, "base64").toString("utf8")).toBe(userData);
    }
  });

  it("attaches one 120 VPU/GB volume per node at the consistent device path", () => {
    const volumes = ofType(plan, T.volume);
    expect(volumes.map((v) => v.inputs.vpusPerGb)).toEqual(Array(5).fill("120"));
    for (const a of ofType(plan, T.attachment)) expect(a.inputs.device).toBe(DATA_DEVICE_PATH);
  });

  it("health-checks the port the listener's TLS reaches, with a check that works on TLS: TCP, never plain HTTP", () => {
    const [listener] = ofType(plan, T.listener);
    const [backendSet] = ofType(plan, T.backendSet);
    const backends = ofType(plan, T.backend);
    // TLS end to end: a TCP pass-through listener, no TLS termination on the LB.
    expect(listener.inputs).toMatchObject({ protocol: "TCP", port: 443 });
    expect(listener.inputs).not.toHaveProperty("sslConfiguration");
    expect(backendSet.inputs).not.toHaveProperty("sslConfiguration");
    // Every backend and the health check use the one TLS port of the nodes.
    expect(new Set(backends.map((b) => b.inputs.port))).toEqual(new Set([8080]));
    const checker = backendSet.inputs.healthChecker as Record<string, unknown>;
    expect(checker).toMatchObject({ protocol: "TCP", port: 8080 });
    expect(checker).not.toHaveProperty("urlPath");
  });

  it("exports what hydration needs per node", () => {
    expect(outputs.nodes).toHaveLength(5);
    for (const node of outputs.nodes) {
      expect(node).toMatchObject({ availabilityDomain: "Uocm:EU-AMSTERDAM-1-AD-1", dataDevicePath: DATA_DEVICE_PATH });
      expect(node.instanceId).toMatch(/^mock-/);
      expect(node.dataVolumeId).toMatch(/^mock-/);
      expect(node.privateIp).toMatch(/^10\.255\./);
      // OCI's isMultipath of the node's data attachment (only `up` can know it).
      expect(node.dataAttachmentMultipath).toBe(`(known after apply: ${node.name}-data-attachment.isMultipath)`);
    }
    expect(outputs.loadBalancerAddress).toMatch(/^10\.255\./);
    expect(outputs.bucketName).toBe("tundra-globex-staging");
    expect(outputs.namespace).toMatch(/^mockns/);
    expect(outputs.preflight).toMatchObject({ ok: true, limitName: "standard-e4-core-count" });
  });

  it("runs the configured stages in order and exports their outputs under the stage's name", () => {
    expect(dependsOn["hydration"]).toEqual(expect.arrayContaining(["globex-data-sync", "globex-cluster"]));
    expect(Object.keys(outputs.dataSync).sort()).toEqual(["complete", "destination", "drift", "manifestDigest", "objectCount", "source", "totalBytes"]);
    // Where the data went and where from, for the AWS-side guard (read through its StackReference).
    expect(outputs.dataSync.destination).toMatchObject({ bucket: "tundra-globex-staging", region: "eu-amsterdam-1" });
    expect(Object.keys(outputs.hydration).sort()).toEqual(["agentBundle", "complete", "generation", "nodeStatus", "transition"]);
    expect(outputs).not.toHaveProperty("validation");
    expect(outputs).not.toHaveProperty("cutover");
  });

  it("keeps dynamic providers' serialized code out of the plan", () => {
    const dataSync = plan.resources.find((r) => r.name === "globex-data-sync")!;
    expect(dataSync.type).toBe("pulumi-nodejs:dynamic/datasync:DataSync");
    expect(dataSync.inputs).toMatchObject({ generation: "2026-12-01", destination: { bucket: "tundra-globex-staging" } });
    expect(dataSync.inputs).not.toHaveProperty("__provider");
  });

  it("writes IAM through a home-region provider when the cluster region is another", () => {
    const providers = ofType(plan, T.provider);
    expect(providers.map((p) => p.inputs.region).sort()).toEqual(["eu-amsterdam-1", "eu-frankfurt-1"]);
  });
});
