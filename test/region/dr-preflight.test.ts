// The DR preflight (stacks/dr-preflight.ts): a replicated data volume is not resized (Oracle,
// "Block Volume Replication": "You can't resize a volume with replication enabled"), and the DR
// region must be one the tenancy is subscribed to. Read from OCI through the invokes, under the
// plan's mocks with the answers OCI would give.
import * as path from "path";
import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { createPlanMocks } from "../../scripts/plan/mocks";
import { PROJECT_ROOT, readStackConfig } from "../../scripts/plan/run";
import { parseTenantConfig, rawConfigFromPulumi, type TenantConfig } from "../../stacks/config";
import { drPreflight, drSubscriptionProblems, replicatedResizeProblems, type ExistingVolume } from "../../stacks/dr-preflight";

function stagingConfig(dr: Record<string, unknown> | undefined): TenantConfig {
  const all = readStackConfig(path.join(PROJECT_ROOT, "Pulumi.staging.yaml"));
  if (dr) all["tundra:dr"] = JSON.stringify(dr);
  const parsed = parseTenantConfig(rawConfigFromPulumi(all));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.config;
}

// staging: tenant acme, env staging, data volumes of 500 GB, in ca-toronto-1.
const tags = { "cost-center": "analytics", "tundra-tenant": "acme", "tundra-env": "staging", "tundra-role": "data-volume" };
const volume = (index: number, sizeInGbs: string, replicated: boolean, extra: Partial<ExistingVolume> = {}): ExistingVolume => ({
  displayName: `tundra-acme-staging-${index}-data`,
  sizeInGbs,
  state: "AVAILABLE",
  blockVolumeReplicas: replicated ? [{ availabilityDomain: "Uocm:CA-MONTREAL-1-AD-1", displayName: `tundra-acme-staging-${index}-data-ca-montreal-1` }] : [],
  freeformTags: tags,
  ...extra,
});

describe("replicatedResizeProblems", () => {
  const resized = { ...stagingConfig({ region: "ca-montreal-1" }) };
  resized.cluster = { ...resized.cluster, dataVolume: { ...resized.cluster.dataVolume, sizeInGbs: 1000 } };

  it("refuses a new size for a data volume that has a replica, naming the key, the volume, its replica and the way out", () => {
    const problems = replicatedResizeProblems(resized, [volume(0, "500", true), volume(1, "500", true)]);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toBe(
      "tundra:cluster.dataVolume.sizeInGbs: 1000 GB would resize tundra-acme-staging-0-data (500 GB), which has a replica " +
      "(tundra-acme-staging-0-data-ca-montreal-1 in Uocm:CA-MONTREAL-1-AD-1); Oracle cannot resize a volume with replication enabled. " +
      "Keep 500, or: 1) set tundra:dr.replicateVolumes: false with the old size and run pulumi up (this deletes the replicas), " +
      "2) change the size and run pulumi up, 3) set replicateVolumes back to true (the replicas sync again from the start)",
    );
  });

  it("lets through: the same size, a volume without replicas, another tenant's or env's volume, a terminated one", () => {
    const config = stagingConfig({ region: "ca-montreal-1" });
    expect(replicatedResizeProblems(config, [volume(0, "500", true)])).toEqual([]);
    expect(replicatedResizeProblems(resized, [
      volume(0, "500", false),
      volume(1, "500", true, { freeformTags: { ...tags, "tundra-tenant": "initech" } }),
      volume(2, "500", true, { freeformTags: { ...tags, "tundra-env": "prod" } }),
      volume(3, "500", true, { state: "TERMINATED" }),
    ])).toEqual([]);
  });
});

describe("drSubscriptionProblems", () => {
  it("refuses a DR region the tenancy is not (or not yet) subscribed to, listing the subscribed ones", () => {
    const subscriptions = [{ regionName: "ca-toronto-1", state: "READY" }, { regionName: "us-ashburn-1", state: "READY" }, { regionName: "ca-montreal-1", state: "IN_PROGRESS" }];
    expect(drSubscriptionProblems("ca-montreal-1", subscriptions)).toEqual([
      "tundra:dr.region: the tenancy is not subscribed to ca-montreal-1 (subscribed: ca-toronto-1, us-ashburn-1); " +
      "OCI replicates buckets and volumes only to subscribed regions. Subscribe the tenancy to ca-montreal-1 (Console: Governance, Region Management) or choose a subscribed region",
    ]);
    expect(drSubscriptionProblems("ca-toronto-1", subscriptions)).toEqual([]);
  });
});

describe("drPreflight through the invokes", () => {
  const invoked: { token: string; inputs: Record<string, unknown> }[] = [];
  beforeAll(async () => {
    const mocks = createPlanMocks({
      region: "ca-toronto-1",
      calls: {
        "oci:Core/getVolumes:getVolumes": (inputs) => ({ volumes: [volume(0, "500", true), volume(1, "500", true)] }),
        "oci:Identity/getRegionSubscriptions:getRegionSubscriptions": () => ({ regionSubscriptions: [{ regionName: "ca-toronto-1", state: "READY" }, { regionName: "us-ashburn-1", state: "READY" }] }),
      },
    });
    const call = mocks.call.bind(mocks);
    mocks.call = (args) => {
      invoked.push({ token: args.token, inputs: args.inputs });
      return call(args);
    };
    await pulumi.runtime.setMocks(mocks, "tundra-replatform", "staging", false);
  });

  it("reads the tenant compartment's volumes and the tenancy's subscriptions, and reports both problems", async () => {
    const config = stagingConfig({ region: "ca-montreal-1" });
    config.cluster = { ...config.cluster, dataVolume: { ...config.cluster.dataVolume, sizeInGbs: 600 } };
    const provider = new oci.Provider("oci", { region: "ca-toronto-1" });
    const home = new oci.Provider("oci-home", { region: "us-ashburn-1" });
    const problems = await drPreflight(config, provider, home);
    expect(problems.map((p) => p.split(":")[1])).toEqual(["cluster.dataVolume.sizeInGbs", "cluster.dataVolume.sizeInGbs", "dr.region"]);
    expect(invoked).toEqual(expect.arrayContaining([
      { token: "oci:Core/getVolumes:getVolumes", inputs: expect.objectContaining({ compartmentId: config.tenant.compartmentId }) },
      { token: "oci:Identity/getRegionSubscriptions:getRegionSubscriptions", inputs: expect.objectContaining({ tenancyId: config.tenant.tenancyId }) },
    ]));
  });

  it("without tundra:dr still refuses to resize a volume whose replicas remain (removing the section does not remove them)", async () => {
    const config = stagingConfig(undefined);
    config.cluster = { ...config.cluster, dataVolume: { ...config.cluster.dataVolume, sizeInGbs: 600 } };
    const provider = new oci.Provider("oci2", { region: "ca-toronto-1" });
    const problems = await drPreflight(config, provider, provider);
    expect(problems).toHaveLength(2);
    expect(problems.every((p) => p.startsWith("tundra:cluster.dataVolume.sizeInGbs: 600 GB would resize"))).toBe(true);
  });
});
