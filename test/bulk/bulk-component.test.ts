// DataSyncBulkCopy under the plan's mocks: the resources the bulk copy on AWS DataSync needs,
// their scope, their order, and no secret anywhere in the inputs.
import * as oci from "@pulumi/oci";
import { beforeAll, describe, expect, it } from "vitest";
import { planProgram, type Plan, type PlanDetails, type PlannedResource } from "../../scripts/plan/run";
import { DataSyncBulkCopy } from "../../components/aws/datasync-bulk";

const SECRET_ARN = "arn:aws:secretsmanager:us-east-1:111122223333:secret:tundra/acme-prod-oci-s3-AbCdEf";
let plan: Plan & PlanDetails;

const one = (type: string, name: string): PlannedResource => {
  const found = plan.resources.filter((r) => r.type === type && r.name === name);
  expect(found, `${type} ${name}`).toHaveLength(1);
  return found[0];
};
const policyOf = (r: PlannedResource, key = "policy") => JSON.parse(String(r.inputs[key]));

beforeAll(async () => {
  const arn = (prefix: string) => (args: { name: string }) => ({ arn: `${prefix}${args.name}` });
  plan = await planProgram("acme-prod", {}, async () => {
    const provider = new oci.Provider("oci-home", { region: "us-ashburn-1" });
    const bulk = new DataSyncBulkCopy("acme-bulk", {
      tenant: "acme", env: "prod", awsAccountId: "111122223333",
      source: { region: "us-east-1", bucket: "tundra-aws-data", prefix: "tenants/acme/" },
      destination: { namespace: "axaxnpcrorw5", region: "ca-toronto-1", bucket: "tundra-acme-prod", prefix: "data/" },
      ociSecretArn: SECRET_ARN, ociAccessKeyId: "0123456789abcdef0123456789abcdef01234567",
      ociUser: { tenancyId: "ocid1.tenancy.oc1..aaaaaaaaexampletenancy", compartmentId: "ocid1.compartment.oc1..aaaaaaaaexample", provider },
      generation: "2026-12-01", tags: { tenant: "acme", env: "prod", "managed-by": "tundra-replatform" },
    });
    return { taskArn: bulk.taskArn };
  }, {
    outputs: {
      "aws:iam/role:Role": arn("arn:aws:iam::111122223333:role/"),
      "aws:datasync/s3Location:S3Location": arn("arn:aws:datasync:us-east-1:111122223333:location/"),
      "aws:datasync/task:Task": arn("arn:aws:datasync:us-east-1:111122223333:task/"),
    },
  });
});

describe("DataSyncBulkCopy", () => {
  it("declares the roles, the S3 location, the bucket-scoped OCI user, the OCI location, the task and the execution", () => {
    expect(plan.resources.filter((r) => r.parent === "acme-bulk").map((r) => `${r.type} ${r.name}`).sort()).toEqual([
      "aws:datasync/s3Location:S3Location acme-bulk-source",
      "aws:datasync/task:Task acme-bulk-task",
      "aws:iam/role:Role acme-bulk-secret-role",
      "aws:iam/role:Role acme-bulk-source-role",
      "aws:iam/rolePolicy:RolePolicy acme-bulk-secret-read",
      "aws:iam/rolePolicy:RolePolicy acme-bulk-source-read",
      "oci:Identity/group:Group acme-bulk-oci-group",
      "oci:Identity/policy:Policy acme-bulk-oci-policy",
      "oci:Identity/user:User acme-bulk-oci-user",
      "oci:Identity/userGroupMembership:UserGroupMembership acme-bulk-oci-membership",
      "pulumi-nodejs:dynamic/bulk:DataSyncBulkExecution acme-bulk-execution",
      "pulumi-nodejs:dynamic/bulk:DataSyncOciLocation acme-bulk-oci-location",
    ]);
  });

  it("lets only this account's DataSync assume the roles, which read the tenant prefix and the one secret", () => {
    for (const role of ["acme-bulk-source-role", "acme-bulk-secret-role"]) {
      const trust = policyOf(one("aws:iam/role:Role", role), "assumeRolePolicy");
      expect(trust.Statement).toEqual([expect.objectContaining({
        Principal: { Service: "datasync.amazonaws.com" }, Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": "111122223333" }, ArnLike: { "aws:SourceArn": "arn:aws:datasync:us-east-1:111122223333:*" } },
      })]);
    }
    const read = policyOf(one("aws:iam/rolePolicy:RolePolicy", "acme-bulk-source-read"));
    const actions = read.Statement.flatMap((s: { Action: string[] }) => s.Action);
    expect(actions.filter((a: string) => /Put|Delete|Abort|\*/.test(a))).toEqual([]);
    expect(read.Statement[1].Resource).toBe("arn:aws:s3:::tundra-aws-data/tenants/acme/*");
    expect(policyOf(one("aws:iam/rolePolicy:RolePolicy", "acme-bulk-secret-read")).Statement).toEqual([
      { Sid: "ReadOciSecretKey", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: SECRET_ARN },
    ]);
  });

  it("reads the S3 prefix through its role and writes OCI through the S3 compatibility location, in Enhanced mode without tags", () => {
    expect(one("aws:datasync/s3Location:S3Location", "acme-bulk-source").inputs).toMatchObject({
      s3BucketArn: "arn:aws:s3:::tundra-aws-data", subdirectory: "/tenants/acme/", s3Config: { bucketAccessRoleArn: "arn:aws:iam::111122223333:role/acme-bulk-source-role" },
    });
    expect(one("pulumi-nodejs:dynamic/bulk:DataSyncOciLocation", "acme-bulk-oci-location").inputs).toMatchObject({
      awsRegion: "us-east-1", namespace: "axaxnpcrorw5", ociRegion: "ca-toronto-1", bucket: "tundra-acme-prod", prefix: "data/",
      secretArn: SECRET_ARN, secretAccessRoleArn: "arn:aws:iam::111122223333:role/acme-bulk-secret-role",
    });
    expect(one("aws:datasync/task:Task", "acme-bulk-task").inputs).toMatchObject({
      taskMode: "ENHANCED", sourceLocationArn: "arn:aws:datasync:us-east-1:111122223333:location/acme-bulk-source",
      options: { objectTags: "NONE", transferMode: "CHANGED", verifyMode: "ONLY_FILES_TRANSFERRED" },
    });
    expect(one("pulumi-nodejs:dynamic/bulk:DataSyncBulkExecution", "acme-bulk-execution").inputs).toMatchObject({
      awsRegion: "us-east-1", taskArn: "arn:aws:datasync:us-east-1:111122223333:task/acme-bulk-task", generation: "2026-12-01",
    });
  });

  it("scopes the OCI user's group to the tenant bucket", () => {
    expect(one("oci:Identity/policy:Policy", "acme-bulk-oci-policy").inputs.statements).toEqual([
      "Allow group tundra-acme-prod-bulk-writers to read buckets in compartment id ocid1.compartment.oc1..aaaaaaaaexample where target.bucket.name = 'tundra-acme-prod'",
      "Allow group tundra-acme-prod-bulk-writers to manage objects in compartment id ocid1.compartment.oc1..aaaaaaaaexample where target.bucket.name = 'tundra-acme-prod'",
    ]);
  });

  it("waits for the role policies before using the roles, and holds no secret in any input", () => {
    expect(plan.dependsOn["acme-bulk-source"]).toEqual(["acme-bulk-source-read"]);
    expect(plan.dependsOn["acme-bulk-oci-location"]).toEqual(["acme-bulk-secret-read"]);
    const keys = (v: unknown): string[] => (v && typeof v === "object" ? Object.entries(v).flatMap(([k, x]) => [k, ...keys(x)]) : []);
    const all = plan.resources.flatMap((r) => keys(r.inputs));
    expect(all).toContain("secretArn");
    expect(all.filter((k) => /^(secretKey|secret|secretAccessKey|key)$/i.test(k))).toEqual([]);
  });
});
