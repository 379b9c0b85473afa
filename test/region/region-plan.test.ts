// The tenant program with `tundra:dr` and `tundra:relocations` set, planned offline (the real
// program under the plan's mocks, through the plan CLI), and their config validation.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse as parseYaml, stringify } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { readStackConfig, stackConfigPath } from "../../scripts/plan/run";
import { parseTenantConfig, rawConfigFromPulumi } from "../../stacks/config";
import { ofType, planJson } from "../support/scripts";

describe("prod stack with tundra:dr = sa-bogota-1", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dr-plan-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("replicates the tenant bucket and every data volume to the DR region", () => {
    const doc = parseYaml(fs.readFileSync(stackConfigPath("prod"), "utf8"));
    doc.config["tundra:dr"] = { region: "sa-bogota-1" };
    const file = path.join(dir, "Pulumi.prod.yaml");
    fs.writeFileSync(file, stringify(doc));
    const tenant = doc.config["tundra:tenant"];
    const plan = planJson("prod", ["--config", file]);

    const drProvider = ofType(plan, "pulumi:providers:oci").find((p) => p.inputs.region === "sa-bogota-1");
    expect(drProvider?.name).toBe(`${tenant.id}-oci-dr`);

    const buckets = ofType(plan, "oci:ObjectStorage/bucket:Bucket");
    const destination = buckets.find((b) => String(b.inputs.name).endsWith("-dr"))!;
    const source = buckets.find((b) => b !== destination)!;
    expect(destination.inputs).toMatchObject({ name: `${source.inputs.name}-dr`, compartmentId: tenant.compartmentId, accessType: "NoPublicAccess" });
    expect(destination.parent).toBe(`${tenant.id}-dr`);

    const [replication] = ofType(plan, "oci:ObjectStorage/replicationPolicy:ReplicationPolicy");
    expect(replication.inputs).toMatchObject({ bucket: source.inputs.name, destinationBucketName: destination.inputs.name, destinationRegionName: "sa-bogota-1" });

    const grant = ofType(plan, "oci:Identity/policy:Policy").find((p) => p.name === `${tenant.id}-dr-replication-grant`)!;
    expect(grant.inputs.statements).toEqual([
      expect.stringMatching(new RegExp(`^Allow service objectstorage-${tenant.region} to manage object-family in compartment id ${tenant.compartmentId.replace(/\./g, "\\.")} where any \\{request\\.permission='BUCKET_READ'`)),
    ]);

    const volumes = ofType(plan, "oci:Core/volume:Volume");
    expect(volumes.length).toBeGreaterThanOrEqual(3);
    for (const volume of volumes) {
      // The replica AD is a Bogota AD, looked up through the DR provider.
      expect(volume.inputs.blockVolumeReplicas).toEqual([{ availabilityDomain: "Uocm:SA-BOGOTA-1-AD-1", displayName: expect.stringMatching(/-data-sa-bogota-1$/) }]);
      // The provider empties the replica list at every update of a volume with this flag: never with replicas.
      expect(volume.inputs.blockVolumeReplicasDeletion).toBeUndefined();
    }
  });

  it("the sample prod stack without tundra:dr declares no replication", () => {
    const plan = planJson("prod");
    expect(ofType(plan, "oci:ObjectStorage/replicationPolicy:ReplicationPolicy")).toEqual([]);
    for (const volume of ofType(plan, "oci:Core/volume:Volume")) {
      expect(volume.inputs.blockVolumeReplicas).toBeUndefined();
      // Replicas left from an earlier tundra:dr are disabled (Oracle's example flag; dropping the list alone keeps them).
      expect(volume.inputs.blockVolumeReplicasDeletion).toBe(true);
    }
  });
});

const relocation = {
  name: "legacy-app",
  source: { region: "us-ashburn-1", compartmentId: "ocid1.compartment.oc1..aaaaapp", instanceId: "ocid1.instance.oc1.iad.aaaaapp", bucket: "migration-staging" },
  target: {
    region: "sa-bogota-1", compartmentId: "ocid1.compartment.oc1..aaaaapp", availabilityDomain: "Uocm:SA-BOGOTA-1-AD-1",
    subnetId: "ocid1.subnet.oc1.sa-bogota-1.aaaaapp", shape: "VM.Standard.E4.Flex", ocpus: 2, memoryInGBs: 32,
  },
};

describe("tundra:relocations", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "relocations-plan-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("declares one InstanceRelocation per entry, with the entry as its inputs", () => {
    const doc = parseYaml(fs.readFileSync(stackConfigPath("prod"), "utf8"));
    doc.config["tundra:relocations"] = [relocation];
    const file = path.join(dir, "Pulumi.prod.yaml");
    fs.writeFileSync(file, stringify(doc));
    const plan = planJson("prod", ["--config", file]);
    const [resource] = ofType(plan, "pulumi-nodejs:dynamic/region:InstanceRelocation");
    expect(resource.name).toBe(`${doc.config["tundra:tenant"].id}-relocate-legacy-app`);
    expect(resource.inputs).toMatchObject({ name: "legacy-app", source: relocation.source, target: { ...relocation.target, assignPublicIp: false, nsgIds: [] }, cleanup: false });
  });

  it("reports bad entries by full key, and duplicate names", () => {
    const raw = rawConfigFromPulumi(readStackConfig(stackConfigPath("prod")));
    const bad = { ...relocation, target: { ...relocation.target, ocpus: undefined, region: "us-east-1" } };
    const result = parseTenantConfig({ ...raw, relocations: [relocation, bad, relocation] });
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.issues).toEqual(expect.arrayContaining([
      { key: "tundra:relocations[1].target.ocpus", message: "is required for a Flex shape: a number of OCPUs" },
      { key: "tundra:relocations[1].target.region", message: `"us-east-1" is an AWS region, not an OCI region; the nearest OCI region is "us-ashburn-1"` },
    ]));
    const duplicates = parseTenantConfig({ ...raw, relocations: [relocation, relocation] });
    expect(duplicates.ok === false && duplicates.issues).toEqual([{ key: "tundra:relocations[1].name", message: `"legacy-app" is used by relocations[0] too` }]);
  });
});
