// A public load balancer whose cutover has a Route53 health check admits AWS's health checker
// ranges on the health-check port (and nothing else new), through the real tenant program under
// the plan mocks. network.test.ts covers the same stack without a cutover.
import { beforeAll, describe, expect, it } from "vitest";
import { ROUTE53_HEALTH_CHECKER_RANGES } from "../../components/aws/route53-health-checks";
import { planProgram, tenantStackProgram, type Plan, type PlannedResource } from "../../scripts/plan/run";
import { digest } from "../../scripts/plan/mocks";
import { T, ofType } from "../support/scripts";

const config: Record<string, string> = {
  "tundra:tenant": JSON.stringify({ id: "initech", env: "prod", compartmentId: "ocid1.compartment.oc1..aaaainitech", tenancyId: "ocid1.tenancy.oc1..aaaatenancy", region: "uk-london-1", homeRegion: "uk-london-1" }),
  "tundra:network": JSON.stringify({ vcnCidr: "10.80.0.0/16", nodeSubnetCidr: "10.80.1.0/24", lbSubnetCidr: "10.80.2.0/24" }),
  "tundra:cluster": JSON.stringify({ nodeCount: 3, shape: "VM.Standard.A1.Flex", ocpus: 16, memoryInGbs: 64, imageId: "ocid1.image.oc1.uk-london-1.aaaaimage", dataVolume: { sizeInGbs: 100, vpusPerGb: 30 }, queryPort: 9000 }),
  "tundra:loadBalancer": JSON.stringify({ minBandwidthMbps: 10, maxBandwidthMbps: 100, visibility: "public", listenerPort: 443, allowedCidrs: ["203.0.113.0/24"] }),
  "tundra:cutover": JSON.stringify({
    zoneId: "Z0123456789ABCDEFGHIJ",
    recordName: "initech.example.com",
    aws: { values: ["52.1.2.3"] },
    oci: { healthCheck: { type: "HTTPS", path: "/health" } },
  }),
};

let plan: Plan;
const idOf = (r: PlannedResource) => `mock-${digest(`${r.type}::${r.name}`)}`;

beforeAll(async () => {
  plan = await planProgram("initech-prod", config, tenantStackProgram);
}, 120_000);

describe("TenantNetwork with a Route53 health check of the load balancer", () => {
  it("admits every ROUTE53_HEALTHCHECKS range on the health-check port (the listener's: config refuses any other), next to the clients' listener rule", () => {
    const lbNsg = idOf(plan.resources.find((r) => r.name === "initech-network-lb-nsg")!);
    const ingress = ofType(plan, T.nsgRule).filter((r) => r.inputs.networkSecurityGroupId === lbNsg && r.inputs.direction === "INGRESS");
    const bySource = (list: unknown[][]) => [...list].sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(bySource(ingress.map((r) => [r.inputs.source, r.inputs.sourceType, r.inputs.protocol, r.inputs.tcpOptions]))).toEqual(
      bySource([
        ["203.0.113.0/24", "CIDR_BLOCK", "6", { destinationPortRange: { min: 443, max: 443 } }],
        ...ROUTE53_HEALTH_CHECKER_RANGES.map(({ cidr }) => [cidr, "CIDR_BLOCK", "6", { destinationPortRange: { min: 443, max: 443 } }]),
      ]),
    );
    expect(ROUTE53_HEALTH_CHECKER_RANGES.map((r) => r.cidr)).toContain("15.177.0.0/18");
  });
});
