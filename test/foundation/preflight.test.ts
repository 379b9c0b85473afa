// Capacity preflight: the verdict with numbers, and the invokes under mocks, including the
// case that matters on every later `pulumi up`: the stack's own running nodes already count
// against the limit and must not make a no-op update fail.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { evaluateCapacity, ocpusPerAvailabilityDomain, runPreflight } from "../../components/oci/preflight";
import { placeNodes } from "../../components/oci/placement";
import { createPlanMocks } from "../../scripts/plan/mocks";

const ADS = ["Uocm:US-ASHBURN-AD-1", "Uocm:US-ASHBURN-AD-2", "Uocm:US-ASHBURN-AD-3"];

describe("evaluateCapacity", () => {
  it("sums OCPUs per AD from the placement", () => {
    expect([...ocpusPerAvailabilityDomain(placeNodes(4, ADS), 16)]).toEqual([[ADS[0], 32], [ADS[1], 16], [ADS[2], 16]]);
  });

  it("fails with wanted, held, available and the limit name", () => {
    const report = evaluateCapacity("VM.Standard.E5.Flex", "standard-e5-core-count", [
      { availabilityDomain: ADS[0], wanted: 32, held: 0, available: 20 },
      { availabilityDomain: ADS[1], wanted: 16, held: 0, available: 16 },
    ]);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      "VM.Standard.E5.Flex needs 32 more OCPUs in Uocm:US-ASHBURN-AD-1 (wanted 32, this stack already holds 0) but limit standard-e5-core-count has 20 available; request a limit increase or lower tundra:cluster.nodeCount / tundra:cluster.ocpus",
    ]);
  });

  it("counts only what is still to be added", () => {
    const report = evaluateCapacity("VM.Standard.E5.Flex", "standard-e5-core-count", [{ availabilityDomain: ADS[0], wanted: 48, held: 32, available: 16 }]);
    expect(report.ok).toBe(true);
  });
});

describe("runPreflight under mocks", () => {
  const tenantInstance = (ad: string, tenant: string, state = "RUNNING") => ({
    availabilityDomain: ad,
    shape: "VM.Standard.E5.Flex",
    state,
    shapeConfigs: [{ ocpus: 16 }],
    freeformTags: { "tundra-tenant": tenant, "tundra-env": "prod" },
  });
  const limitCalls: Record<string, unknown>[] = [];

  beforeAll(async () => {
    await pulumi.runtime.setMocks(
      createPlanMocks({
        region: "us-ashburn-1",
        availableOcpus: 0,
        calls: {
          "oci:Core/getInstances:getInstances": (inputs) => ({
            instances: [
              tenantInstance(inputs.availabilityDomain, "acme"),
              tenantInstance(inputs.availabilityDomain, "acme", "TERMINATED"),
              tenantInstance(inputs.availabilityDomain, "other-tenant"),
            ],
          }),
          "oci:Limits/getResourceAvailability:getResourceAvailability": (inputs) => {
            limitCalls.push(inputs);
            return { available: "0", used: "48" };
          },
        },
      }),
      "tundra-replatform",
      "preflight",
      false,
    );
  });

  const args = (nodeCount: number) => ({ compartmentId: "ocid1.compartment.oc1..aaaa", tenant: "acme", env: "prod", shape: "VM.Standard.E5.Flex", ocpusPerNode: 16, placements: placeNodes(nodeCount, ADS) });

  it("passes a no-op update: the stack's own live nodes already hold the OCPUs", async () => {
    const report = await runPreflight(args(3), {});
    expect(report.ok).toBe(true);
    expect(report.perAvailabilityDomain.map((c) => c.held)).toEqual([16, 16, 16]);
    expect(limitCalls[0]).toMatchObject({ serviceName: "compute", limitName: "standard-e5-core-count", availabilityDomain: ADS[0] });
  });

  it("fails a scale-out that needs OCPUs the limit does not have", async () => {
    const report = await runPreflight(args(4), {});
    expect(report.ok).toBe(false);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toContain("needs 16 more OCPUs in Uocm:US-ASHBURN-AD-1 (wanted 32, this stack already holds 16)");
  });
});
