// `tundra:dataSync.bulk` and `tundra:dataSync.copyWindowHours`: parsed through the stack config
// parser, errors named by their full key with the fix, and no secret accepted in their place.
import * as path from "path";
import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../../stacks/config";
import { readStackConfig } from "../../scripts/plan/run";

const base = readStackConfig(path.join(__dirname, "../..", "Pulumi.staging.yaml"));
const BULK = {
  engine: "aws-datasync", awsAccountId: "111122223333",
  ociSecretArn: "arn:aws:secretsmanager:us-east-1:111122223333:secret:tundra/acme-oci-s3-AbCdEf",
  ociAccessKeyId: "0123456789abcdef0123456789abcdef01234567",
};

function withDataSync(patch: Record<string, unknown>) {
  const dataSync = { ...JSON.parse(base["tundra:dataSync"]), ...patch };
  return parseStackConfig({ ...base, "tundra:dataSync": JSON.stringify(dataSync) });
}

describe("tundra:dataSync.bulk", () => {
  it("accepts the AWS DataSync engine by reference only, and the copy window", () => {
    const parsed = withDataSync({ bulk: { ...BULK, pollSeconds: 60 }, copyWindowHours: 8 });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.config.dataSync!.bulk).toEqual({ ...BULK, pollSeconds: 60 });
    expect(parsed.config.dataSync!.copyWindowHours).toBe(8);
  });

  it("names each bad field by its full key", () => {
    const parsed = withDataSync({ bulk: { engine: "rclone", awsAccountId: "1234", ociSecretArn: "tundra/acme", ociAccessKeyId: "0123456789abcdef0123456789abcdef01234567" }, copyWindowHours: 0 });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const byKey = Object.fromEntries(parsed.issues.map((i) => [i.key, i.message]));
    expect(byKey["tundra:dataSync.bulk.engine"]).toMatch(/must be "aws-datasync"/);
    expect(byKey["tundra:dataSync.bulk.awsAccountId"]).toMatch(/12-digit AWS account id/);
    expect(byKey["tundra:dataSync.bulk.ociSecretArn"]).toMatch(/ARN of the Secrets Manager secret/);
    expect(byKey["tundra:dataSync.copyWindowHours"]).toMatch(/at least 0.1/);
  });

  it("refuses the secret itself in place of its ARN, without echoing it", () => {
    const parsed = withDataSync({ bulk: { ...BULK, ociSecretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" } });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const issue = parsed.issues.find((i) => i.key === "tundra:dataSync.bulk.ociSecretKey");
    expect(issue?.message).toMatch(/credentials never go in stack config/);
    expect(JSON.stringify(parsed.issues)).not.toContain("wJalrXUtnFEMI");
  });

  it("refuses a source prefix DataSync cannot copy from, only when the bulk copy is on", () => {
    const prefix = { source: { bucket: "tundra-aws-data", prefix: "tenants//acme/", region: "us-east-1" } };
    const bulk = withDataSync({ ...prefix, bulk: BULK });
    expect(bulk.ok).toBe(false);
    if (!bulk.ok) expect(bulk.issues.find((i) => i.key === "tundra:dataSync.source.prefix")?.message).toMatch(/AWS DataSync cannot copy from a prefix containing "\/\/"/);
    expect(withDataSync(prefix).ok).toBe(true);
  });
});
