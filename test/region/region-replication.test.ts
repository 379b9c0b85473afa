// DR replication under Pulumi mocks: the DR bucket in the DR region, the replication policy, the
// IAM grant Object Storage needs, and cross-region volume replicas; `tundra:dr` validation.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { parseTenantConfig, rawConfigFromPulumi, type RawConfig } from "../../stacks/config";
import { readStackConfig, stackConfigPath } from "../../scripts/plan/run";

interface Created {
  type: string;
  name: string;
  inputs: Record<string, any>;
  provider?: string;
}

const COMPARTMENT = "ocid1.compartment.oc1..aaaatenant";
const DR_COMPARTMENT = "ocid1.compartment.oc1..aaaadr";

describe("TenantReplication under mocks", () => {
  const created: Created[] = [];
  const invokes: { token: string; provider?: string }[] = [];
  let component: typeof import("../../components/region/tenant-replication");
  let oci: typeof import("@pulumi/oci");

  beforeAll(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          created.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider });
          return { id: `${args.name}-id`, state: { ...args.inputs, ...(args.type === "oci:ObjectStorage/bucket:Bucket" ? { name: args.inputs.name } : {}) } };
        },
        call: (args) => {
          invokes.push({ token: args.token, provider: args.provider });
          if (args.token === "oci:Identity/getAvailabilityDomains:getAvailabilityDomains") {
            return { availabilityDomains: [{ name: "Uocm:SA-BOGOTA-1-AD-1" }], compartmentId: args.inputs.compartmentId, id: "ads" };
          }
          return args.inputs;
        },
      },
      "tundra-replatform",
      "test",
      false,
    );
    component = await import("../../components/region/tenant-replication.js");
    oci = await import("@pulumi/oci");
  });

  function outputOf<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => o.apply(resolve));
  }

  it("replicates the bucket to a bucket in the DR region, after the IAM grant, and adds volume replicas there", async () => {
    const replication = new component.TenantReplication("acme", {
      compartmentId: COMPARTMENT,
      drCompartmentId: DR_COMPARTMENT,
      grantCompartmentId: "ocid1.tenancy.oc1..aaaaroot",
      namespace: "tundrans",
      sourceRegion: "us-ashburn-1",
      sourceBucketName: "tundra-acme-prod",
      drRegion: "sa-bogota-1",
      drBucketName: "tundra-acme-prod-dr",
      replicateBucket: true,
      freeformTags: { tenant: "acme" },
    });
    const volume = new oci.core.Volume("node-0-data", {
      compartmentId: COMPARTMENT,
      availabilityDomain: "Uocm:US-ASHBURN-AD-1",
      sizeInGbs: "200",
      vpusPerGb: "20",
      ...replication.volumeReplicaArgs("node-0-data"),
    });
    await outputOf(pulumi.all([replication.replicationPolicyId!, volume.id, replication.drAvailabilityDomain]));

    const byType = (type: string) => created.filter((c) => c.type === type);
    const [drProvider] = byType("pulumi:providers:oci");
    expect(drProvider.inputs.region).toBe("sa-bogota-1");

    const [bucket] = byType("oci:ObjectStorage/bucket:Bucket");
    expect(bucket.inputs).toMatchObject({ name: "tundra-acme-prod-dr", compartmentId: DR_COMPARTMENT, namespace: "tundrans", accessType: "NoPublicAccess" });
    expect(bucket.provider).toContain("pulumi:providers:oci::acme-dr");

    const [grant] = byType("oci:Identity/policy:Policy");
    expect(grant.inputs.compartmentId).toBe("ocid1.tenancy.oc1..aaaaroot");
    const permissions = "where any {request.permission='BUCKET_READ', request.permission='BUCKET_UPDATE', request.permission='OBJECT_READ', request.permission='OBJECT_INSPECT', request.permission='OBJECT_CREATE', request.permission='OBJECT_OVERWRITE', request.permission='OBJECT_RESTORE', request.permission='OBJECT_DELETE'}";
    expect(grant.inputs.statements).toEqual([
      `Allow service objectstorage-us-ashburn-1 to manage object-family in compartment id ${COMPARTMENT} ${permissions}`,
      `Allow service objectstorage-us-ashburn-1 to manage object-family in compartment id ${DR_COMPARTMENT} ${permissions}`,
    ]);

    const [policy] = byType("oci:ObjectStorage/replicationPolicy:ReplicationPolicy");
    expect(policy.inputs).toEqual({
      namespace: "tundrans", bucket: "tundra-acme-prod", destinationBucketName: "tundra-acme-prod-dr",
      destinationRegionName: "sa-bogota-1", name: "tundra-acme-prod-to-sa-bogota-1",
    });
    // The replication policy lives on the source bucket: the default (source-region) provider.
    expect(policy.provider ?? "").not.toContain("acme-dr");

    const [vol] = byType("oci:Core/volume:Volume");
    expect(vol.inputs.blockVolumeReplicas).toEqual([{ availabilityDomain: "Uocm:SA-BOGOTA-1-AD-1", displayName: "node-0-data-sa-bogota-1" }]);
    // The AD was looked up in the DR region, through the DR provider.
    const adLookup = invokes.find((i) => i.token === "oci:Identity/getAvailabilityDomains:getAvailabilityDomains");
    expect(adLookup?.provider).toContain("pulumi:providers:oci::acme-dr");
  });

  it("with a Vault key in the DR region: grants Object Storage and Block Volume its use, then encrypts the DR bucket and the replicas with it", async () => {
    const key = "ocid1.key.oc1.sa-bogota-1.aaaadrkey";
    const replication = new component.TenantReplication("keyed", {
      compartmentId: COMPARTMENT, namespace: "tundrans", sourceRegion: "us-ashburn-1", sourceBucketName: "tundra-keyed",
      drRegion: "sa-bogota-1", drBucketName: "tundra-keyed-dr", replicateBucket: true,
      drKmsKey: { keyId: key, compartmentId: "ocid1.compartment.oc1..aaaakeys" },
      drAvailabilityDomain: "Uocm:SA-BOGOTA-1-AD-1",
    });
    const volume = new oci.core.Volume("keyed-data", { compartmentId: COMPARTMENT, availabilityDomain: "Uocm:US-ASHBURN-AD-1", ...replication.volumeReplicaArgs("keyed-data") });
    await outputOf(pulumi.all([replication.replicationPolicyId!, volume.id]));

    const grant = created.find((c) => c.name === "keyed-replication-grant")!;
    expect(grant.inputs.statements.slice(1)).toEqual([
      `Allow service objectstorage-sa-bogota-1 to use keys in compartment id ocid1.compartment.oc1..aaaakeys where target.key.id = '${key}'`,
      `Allow service blockstorage to use keys in compartment id ocid1.compartment.oc1..aaaakeys where target.key.id = '${key}'`,
    ]);
    expect(created.find((c) => c.name === "keyed-dr-bucket")!.inputs.kmsKeyId).toBe(key);
    expect(created.find((c) => c.name === "keyed-data")!.inputs.blockVolumeReplicas).toEqual([
      { availabilityDomain: "Uocm:SA-BOGOTA-1-AD-1", displayName: "keyed-data-sa-bogota-1", xrrKmsKeyId: key },
    ]);
  });

  it("refuses a DR region equal to the source region", () => {
    expect(() => new component.TenantReplication("same", {
      compartmentId: COMPARTMENT, namespace: "ns", sourceRegion: "us-ashburn-1", sourceBucketName: "b",
      drRegion: "us-ashburn-1", drBucketName: "b-dr", replicateBucket: true,
    })).toThrow("drRegion must differ from sourceRegion (both are us-ashburn-1)");
  });
});

describe("tundra:dr config (through the combined stack config)", () => {
  const prod = (): RawConfig => rawConfigFromPulumi(readStackConfig(stackConfigPath("prod")));
  const withDr = (dr: unknown): RawConfig => ({ ...prod(), dr });
  const tenantRegion = (prod().tenant as { region: string }).region;
  function issues(raw: RawConfig) {
    const r = parseTenantConfig(raw);
    return r.ok ? [] : r.issues;
  }

  it("is optional, and accepts a DR region other than the tenant's with defaults", () => {
    const without = parseTenantConfig(prod());
    expect(without.ok && without.config.dr).toBeUndefined();
    const r = parseTenantConfig(withDr({ region: "sa-bogota-1" }));
    expect(r.ok && r.config.dr).toEqual({ region: "sa-bogota-1", replicateVolumes: true, replicateBucket: true });
  });

  it("rejects the same region, an AWS region name and an unknown region, naming the key", () => {
    expect(issues(withDr({ region: tenantRegion }))).toEqual([{
      key: "tundra:dr.region",
      message: `must differ from tundra:tenant.region (both are ${tenantRegion}); a DR copy in the same region does not survive a regional outage`,
    }]);
    expect(issues(withDr({ region: "us-east-1" }))).toEqual([
      { key: "tundra:dr.region", message: `"us-east-1" is an AWS region, not an OCI region; the nearest OCI region is "us-ashburn-1"` },
    ]);
    expect(issues(withDr({ region: "mars-north-1" }))).toEqual([
      { key: "tundra:dr.region", message: expect.stringContaining(`unknown OCI region "mars-north-1"`) },
    ]);
  });

  it("names a replica AD outside the DR region, unknown keys and bad OCIDs, all at once", () => {
    expect(issues(withDr({ region: "sa-bogota-1", availabilityDomain: "Uocm:US-ASHBURN-AD-1" }))).toEqual([
      { key: "tundra:dr.availabilityDomain", message: `"Uocm:US-ASHBURN-AD-1" is not an availability domain of sa-bogota-1` },
    ]);
    const keys = issues(withDr({ region: "sa-bogota-1", kmsKeyId: "key-1", extra: true })).map((i) => i.key).sort();
    expect(keys).toEqual(["tundra:dr.extra", "tundra:dr.kmsKeyId"]);
    expect(issues(withDr({ region: "sa-bogota-1", replicateVolumes: false, replicateBucket: "false" }))).toEqual([
      { key: "tundra:dr", message: "replicates nothing (replicateVolumes and replicateBucket are both false): remove the section or enable one" },
    ]);
  });
});
