// The cost and egress estimate: each price component, the AWS egress tiers, and each threshold of
// OCI's free egress allowance (below the warning, the warning at 80 %, exactly the allowance, over it).
import * as path from "path";
import { describe, expect, it } from "vitest";
import { migrationEgress, monthlyOciCost, ociEgress, overageShare, type TenantSizing } from "../../components/cost/estimate";
import { fleetCost, type TenantCostInput } from "../../components/cost/fleet";
import { AWS_EGRESS_TIERS, GB, OCI_FLEX_SHAPE_PRICES, OCI_PRICES } from "../../components/cost/prices";
import { parseStackConfig } from "../../stacks/config";
import { FLEX_SHAPE_NAMES } from "../../components/oci/shapes";
import { readStackConfig } from "../../scripts/plan/run";

const sizing: TenantSizing = {
  cluster: { nodeCount: 3, shape: "VM.Standard.E4.Flex", ocpus: 4, memoryInGbs: 64, bootVolumeSizeInGbs: 100, dataVolume: { sizeInGbs: 1000, vpusPerGb: 30 } },
  loadBalancer: { minBandwidthMbps: 10, maxBandwidthMbps: 100 },
};

describe("monthly OCI cost", () => {
  it("prices compute, UHP and boot volumes, object storage and the load balancer from the table", () => {
    const cost = monthlyOciCost(sizing, 2000 * GB);
    // 3 nodes x 730 h x (4 x 0.025 + 64 x 0.0015)
    expect(cost.compute).toBeCloseTo(3 * 730 * (4 * 0.025 + 64 * 0.0015), 2);
    // data: 1000 GB x (0.0255 + 30 x 0.0017); boot: 100 GB x (0.0255 + 10 x 0.0017)
    expect(cost.blockVolumes).toBeCloseTo(3 * (1000 * (0.0255 + 0.051) + 100 * (0.0255 + 0.017)), 2);
    expect(cost.objectStorage).toBeCloseTo(2000 * 0.0255, 2);
    expect(cost.loadBalancer).toBeCloseTo(730 * (0.0113 + 10 * 0.0001), 2);
    expect(cost.loadBalancerCeiling).toBeCloseTo(730 * (0.0113 + 100 * 0.0001), 2);
    expect(cost.total).toBeCloseTo(cost.compute + cost.blockVolumes + cost.objectStorage + cost.loadBalancer, 1);
  });

  it("more VPUs cost more; auto-tiering lowers the bucket's cost", () => {
    const uhp120 = monthlyOciCost({ ...sizing, cluster: { ...sizing.cluster, dataVolume: { sizeInGbs: 1000, vpusPerGb: 120 } } }, 0);
    expect(uhp120.blockVolumes - monthlyOciCost(sizing, 0).blockVolumes).toBeCloseTo(3 * 1000 * 90 * 0.0017, 2);
    expect(monthlyOciCost(sizing, 2000 * GB, 1).objectStorage).toBeCloseTo(2000 * 0.01, 2);
    expect(() => monthlyOciCost(sizing, 0, 1.5)).toThrow(/infrequentShare/);
  });

  it("has a price for every Flex shape the config accepts", () => {
    expect(Object.keys(OCI_FLEX_SHAPE_PRICES).sort()).toEqual([...FLEX_SHAPE_NAMES].sort());
  });

  it("reads a real stack file through the config parser", () => {
    const parsed = parseStackConfig(readStackConfig(path.join(__dirname, "../..", "Pulumi.staging.yaml")));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const cost = monthlyOciCost(parsed.config, 0);
    // staging: 2 x E5, 16 OCPUs (the multipath minimum for UHP volumes) and 128 GB
    expect(cost.compute).toBeCloseTo(2 * 730 * (16 * 0.03 + 128 * 0.002), 2);
  });
});

describe("migration egress (AWS)", () => {
  it("is free within the monthly 100 GB, then priced through the tiers", () => {
    expect(migrationEgress(100 * GB).transferUsd).toBe(0);
    expect(migrationEgress(1100 * GB).transferUsd).toBeCloseTo(1000 * 0.09, 2);
    // 100 free + 10 TB at 0.09 + 1000 GB at 0.085
    expect(migrationEgress((100 + 10 * 1024 + 1000) * GB).transferUsd).toBeCloseTo(10 * 1024 * 0.09 + 1000 * 0.085, 2);
    const huge = migrationEgress((100 + 200 * 1024) * GB, { freeGb: 100 });
    expect(huge.transferUsd).toBeCloseTo(10 * 1024 * 0.09 + 40 * 1024 * 0.085 + 100 * 1024 * 0.07 + 50 * 1024 * 0.05, 1);
    expect(AWS_EGRESS_TIERS.at(-1)!.upToGb).toBe(Infinity);
  });

  it("adds DataSync's per-GB fee when the bulk copy runs there, and uses no free allowance already spent", () => {
    const e = migrationEgress(1000 * GB, { dataSyncMode: "enhanced", freeGb: 0 });
    expect(e.transferUsd).toBeCloseTo(1000 * 0.09, 2);
    expect(e.dataSyncUsd).toBeCloseTo(1000 * 0.015, 2);
    expect(e.totalUsd).toBeCloseTo(e.transferUsd + e.dataSyncUsd, 2);
  });
});

describe("OCI egress allowance", () => {
  const allowance = OCI_PRICES.egressFreeGbPerMonth.usd;

  it("below 80 %: no warning, no overage", () => {
    const e = ociEgress(allowance * 0.79);
    expect(e.warning).toBeUndefined();
    expect(e.overageUsd).toBe(0);
  });

  it("from 80 %: a warning, still no overage", () => {
    const e = ociEgress(allowance * 0.8);
    expect(e.warning).toMatch(/80 % of the free 10240 GB allowance/);
    expect(e.overageGb).toBe(0);
    expect(ociEgress(allowance).warning).toMatch(/100 % of the free/);
  });

  it("beyond the allowance: the overage is priced (the branch the seed could never reach)", () => {
    const e = ociEgress(allowance + 1000);
    expect(e.overageGb).toBe(1000);
    expect(e.overageUsd).toBeCloseTo(1000 * OCI_PRICES.egressOverageGb.usd, 2);
    expect(e.warning).toMatch(/over the free 10240 GB by 1000 GB/);
    // Shared out pro rata of each tenant's egress.
    expect(overageShare((allowance + 1000) / 4, e)).toBeCloseTo(e.overageUsd / 4, 2);
  });
});

describe("fleet cost", () => {
  it("sums tenants per wave and for the fleet, prices a wave's copies together and adds DataSync's fee", () => {
    const tenant = (stack: string, wave: string, gb: number, extra: Partial<TenantCostInput> = {}): TenantCostInput => ({
      stack, wave, sizing, sourceBytes: gb * GB, sourceBytesFrom: "fleet file", egressGBPerMonth: 0, ...extra,
    });
    const cost = fleetCost([
      tenant("a", "canary", 50),
      tenant("b", "wave-1", 600),
      tenant("c", "wave-1", 600, { dataSyncMode: "enhanced" }),
      tenant("d", "wave-1", 0, { sizing: undefined, configError: "Pulumi.d.yaml: bad", sourceBytesFrom: "unknown" }),
    ]);
    expect(cost.tenants.map((t) => t.migrationUsd)).toEqual([0, 45, 45 + 9, 0]);
    // wave-1: 1200 GB together, the free 100 GB once; DataSync on c's 600 GB.
    expect(cost.waves.find((w) => w.wave === "wave-1")!.migrationUsd).toBeCloseTo(1100 * 0.09 + 600 * 0.015, 2);
    expect(cost.waves.find((w) => w.wave === "wave-1")!.monthlyUsd).toBeCloseTo(cost.tenants[1].monthly!.total + cost.tenants[2].monthly!.total, 2);
    expect(cost.monthlyUsd).toBeCloseTo(cost.waves.reduce((a, w) => a + w.monthlyUsd, 0), 2);
    expect(cost.warnings).toEqual(["d: no monthly cost (Pulumi.d.yaml: bad)", expect.stringMatching(/^d: source size unknown/)]);
  });
});

describe("fleet cost: tenants too big for one runner", () => {
  it("says which tenants' first copy exceeds their window without the bulk copy", () => {
    const tenant = (stack: string, bytes: number, extra: Partial<TenantCostInput> = {}): TenantCostInput => ({
      stack, wave: "wave-1", sizing, sourceBytes: bytes, sourceBytesFrom: "fleet file", egressGBPerMonth: 0, ...extra,
    });
    // At 100 MB/s: 1 TB is 2.8 h, 3 TB is 8.3 h.
    const cost = fleetCost([tenant("small", 1e12), tenant("big", 3e12), tenant("big-bulk", 3e12, { dataSyncMode: "enhanced" }), tenant("big-window", 3e12, { copyWindowHours: 12 })], { runnerMBps: 100 });
    expect(cost.tenants.map((t) => [t.stack, t.copyHours, t.copyExceedsWindow])).toEqual([
      ["small", 2.78, false], ["big", 8.33, true], ["big-bulk", 8.33, true], ["big-window", 8.33, false],
    ]);
    expect(cost.warnings).toEqual(["big: the first full copy takes about 8.3 h on one runner, over its 6 h window: set tundra:dataSync.bulk (docs/scale.md)"]);
  });
});
