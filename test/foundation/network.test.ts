// TenantNetwork rules, through the real tenant program under the plan mocks, with a public
// load balancer and a NAT gateway (the sample stacks cover the private defaults).
import { beforeAll, describe, expect, it } from "vitest";
import { planProgram, tenantStackProgram, type Plan, type PlanDetails, type PlannedResource } from "../../scripts/plan/run";
import { registrationOf } from "../../scripts/plan/registrations";
import { keyPolicyCompartment, nodePolicyStatements } from "../../components/oci/identity";
import { digest } from "../../scripts/plan/mocks";
import { T, ofType } from "../support/scripts";

const config: Record<string, string> = {
  "tundra:tenant": JSON.stringify({ id: "initech", env: "prod", compartmentId: "ocid1.compartment.oc1..aaaainitech", tenancyId: "ocid1.tenancy.oc1..aaaatenancy", region: "uk-london-1", homeRegion: "uk-london-1" }),
  "tundra:network": JSON.stringify({ vcnCidr: "10.80.0.0/16", nodeSubnetCidr: "10.80.1.0/24", lbSubnetCidr: "10.80.2.0/24", natGateway: true }),
  "tundra:cluster": JSON.stringify({ nodeCount: 3, shape: "VM.Standard.A1.Flex", ocpus: 16, memoryInGbs: 64, imageId: "ocid1.image.oc1.uk-london-1.aaaaimage", dataVolume: { sizeInGbs: 100, vpusPerGb: 30 }, queryPort: 9000 }),
  "tundra:loadBalancer": JSON.stringify({ minBandwidthMbps: 10, maxBandwidthMbps: 100, visibility: "public", listenerPort: 443, allowedCidrs: ["0.0.0.0/0"] }),
  "tundra:bucket": JSON.stringify({ kmsKeyId: "ocid1.key.oc1.uk-london-1.aaaakey", kmsKeyCompartmentId: "ocid1.compartment.oc1..aaaavault" }),
};

let plan: Plan;
let outputs: Record<string, unknown>;
let dependsOn: Record<string, string[]>;
let registrations: PlanDetails["registrations"];
const byName = (name: string) => plan.resources.find((r) => r.name === name)!;
const idOf = (r: PlannedResource) => `mock-${digest(`${r.type}::${r.name}`)}`;

beforeAll(async () => {
  const result = await planProgram("initech-prod", config, tenantStackProgram);
  plan = result;
  outputs = result.outputs;
  dependsOn = result.dependsOn;
  registrations = result.registrations;
});

describe("TenantNetwork", () => {
  it("keeps the nodes private even with a public load balancer", () => {
    expect(byName("initech-network-nodes").inputs).toMatchObject({ prohibitPublicIpOnVnic: true, prohibitInternetIngress: true });
    expect(byName("initech-network-lb").inputs).toMatchObject({ prohibitPublicIpOnVnic: false });
    expect(ofType(plan, T.loadBalancer)[0].inputs.isPrivate).toBe(false);
    expect(plan.resources.some((r) => r.type === "oci:Core/internetGateway:InternetGateway")).toBe(true);
  });

  it("exports the reserved public IP as the LB address: the address Route53 points at outlives any LB", () => {
    const [ip] = ofType(plan, "oci:Core/publicIp:PublicIp");
    expect(ofType(plan, T.loadBalancer)[0].inputs.reservedIps).toEqual([{ id: idOf(ip) }]);
    expect(outputs.loadBalancerAddress).toMatch(/^203\.0\.113\.\d+$/);
  });

  it("routes the nodes to Object Storage through the Service Gateway, and to the internet only via NAT", () => {
    const routes = byName("initech-network-node-routes").inputs.routeRules as { destination: string; destinationType: string; networkEntityId: string }[];
    expect(routes).toContainEqual(expect.objectContaining({ destination: "all-lhr-services-in-oracle-services-network", destinationType: "SERVICE_CIDR_BLOCK", networkEntityId: idOf(byName("initech-network-sgw")) }));
    expect(routes).toContainEqual(expect.objectContaining({ destination: "0.0.0.0/0", networkEntityId: idOf(byName("initech-network-nat")) }));
    expect(byName("initech-network-sgw").inputs.services).toEqual([{ serviceId: expect.stringMatching(/^ocid1\.service\.oc1\.lhr\.\./) }]);
  });

  it("uses an empty security list so the VCN default (SSH from anywhere) never applies", () => {
    const list = byName("initech-network-no-rules");
    expect(list.inputs).toMatchObject({ ingressSecurityRules: [], egressSecurityRules: [] });
    for (const subnet of ofType(plan, T.subnet)) expect(subnet.inputs.securityListIds).toEqual([idOf(list)]);
  });

  it("lets only the LB reach the nodes' query port, and only nodes reach each other", () => {
    const lbNsg = idOf(byName("initech-network-lb-nsg"));
    const nodeNsg = idOf(byName("initech-network-node-nsg"));
    const nodeIngress = ofType(plan, T.nsgRule).filter((r) => r.inputs.networkSecurityGroupId === nodeNsg && r.inputs.direction === "INGRESS");
    expect(nodeIngress.map((r) => [r.inputs.source, r.inputs.sourceType, r.inputs.tcpOptions ?? null])).toEqual([
      [nodeNsg, "NETWORK_SECURITY_GROUP", null],
      [lbNsg, "NETWORK_SECURITY_GROUP", { destinationPortRange: { min: 9000, max: 9000 } }],
    ]);
    const clientIngress = ofType(plan, T.nsgRule).filter((r) => r.inputs.networkSecurityGroupId === lbNsg && r.inputs.direction === "INGRESS");
    expect(clientIngress.map((r) => [r.inputs.source, r.inputs.tcpOptions])).toEqual([["0.0.0.0/0", { destinationPortRange: { min: 443, max: 443 } }]]);
    for (const instance of ofType(plan, T.instance)) expect((instance.inputs.createVnicDetails as { nsgIds: string[] }).nsgIds).toEqual([nodeNsg]);
    expect(ofType(plan, T.loadBalancer)[0].inputs.networkSecurityGroupIds).toEqual([lbNsg]);
  });

  it("spreads a 3-AD region's nodes one per AD", () => {
    expect(ofType(plan, T.instance).map((i) => i.inputs.availabilityDomain).sort()).toEqual(["Uocm:UK-LONDON-1-AD-1", "Uocm:UK-LONDON-1-AD-2", "Uocm:UK-LONDON-1-AD-3"]);
  });
});

describe("ordering across components", () => {
  it("creates the Vault-encrypted bucket only after the key grants exist", () => {
    expect(dependsOn["initech-data-bucket"]).toEqual(["initech-identity"]);
    // The component in dependsOn reaches the engine as its custom children, the key policy among them.
    const bucket = registrationOf(registrations.values(), "initech-data-bucket", T.bucket);
    expect(bucket.dependencies).toContain(registrationOf(registrations.values(), "initech-identity-key-policy", T.policy).urn);
  });

  it("grants the Vault key (in another compartment) from a policy attached at the tenancy, which can name that compartment", () => {
    // Oracle ("How Policies Work", Policy Attachment): a policy names only its own compartment and
    // those below it; the key's compartment is not below the tenant compartment.
    const keyPolicy = byName("initech-identity-key-policy");
    expect(keyPolicy.inputs.compartmentId).toBe("ocid1.tenancy.oc1..aaaatenancy");
    expect(keyPolicy.inputs.statements).toEqual([
      "Allow dynamic-group tundra-initech-prod-nodes to use keys in compartment id ocid1.compartment.oc1..aaaavault where target.key.id = 'ocid1.key.oc1.uk-london-1.aaaakey'",
      "Allow service objectstorage-uk-london-1 to use keys in compartment id ocid1.compartment.oc1..aaaavault where target.key.id = 'ocid1.key.oc1.uk-london-1.aaaakey'",
    ]);
    // The node policy, attached to the tenant compartment, names no other compartment.
    const nodePolicy = byName("initech-identity-nodes-policy");
    expect(nodePolicy.inputs.compartmentId).toBe("ocid1.compartment.oc1..aaaainitech");
    for (const statement of nodePolicy.inputs.statements as string[]) {
      expect(statement).not.toContain("aaaavault");
      expect(statement).not.toMatch(/ use keys /);
    }
  });

  it("keeps the key grants in the node policy when the key is in the tenant compartment (no second policy)", () => {
    expect(keyPolicyCompartment("ocid1.tenancy.oc1..t", "ocid1.compartment.oc1..c", "ocid1.compartment.oc1..c")).toBeUndefined();
    expect(keyPolicyCompartment("ocid1.tenancy.oc1..t", "ocid1.compartment.oc1..c", "ocid1.compartment.oc1..v")).toBe("ocid1.tenancy.oc1..t");
    const inputs = { group: "g", compartmentId: "ocid1.compartment.oc1..c", bucketName: "b", region: "uk-london-1", metricsNamespace: "tundra" };
    expect(nodePolicyStatements({ ...inputs, kms: { keyId: "ocid1.key.oc1..k", compartmentId: inputs.compartmentId } }))
      .toContain("Allow dynamic-group g to use keys in compartment id ocid1.compartment.oc1..c where target.key.id = 'ocid1.key.oc1..k'");
    expect(nodePolicyStatements({ ...inputs, kms: { keyId: "ocid1.key.oc1..k", compartmentId: "ocid1.compartment.oc1..v" } }).join("\n")).not.toContain("use keys");
  });

  it("boots the first node only after the identity policy exists, the rest one after another", () => {
    expect(dependsOn["initech-cluster-node-0"]).toEqual(["initech-identity"]);
    expect(dependsOn["initech-cluster-node-1"]).toEqual(["initech-cluster-node-0"]);
  });
});
