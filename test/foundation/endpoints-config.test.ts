// `tundra:endpoints`: where the program's own calls go (private endpoints, the rehearsal), named
// by full key when wrong.
import { describe, expect, it } from "vitest";
import { formatIssues, parseTenantConfig, rawConfigFromPulumi } from "../../stacks/config";
import { readStackConfig, stackConfigPath } from "../../scripts/plan/run";

const staging = () => rawConfigFromPulumi(readStackConfig(stackConfigPath("staging")));

describe("tundra:endpoints config section", () => {
  it("is optional and takes base URLs of the services", () => {
    const without = parseTenantConfig(staging());
    expect(without.ok && without.config.endpoints).toBeUndefined();
    const endpoints = { ociObjectStorage: "https://objectstorage.ca-toronto-1.oraclecloud.com", s3: "http://127.0.0.1:9000", s3ForcePathStyle: "true", route53: "https://route53.amazonaws.com" };
    const r = parseTenantConfig({ ...staging(), endpoints });
    if (!r.ok) throw new Error(formatIssues(r.issues));
    expect(r.config.endpoints).toEqual({ ...endpoints, s3ForcePathStyle: true });
  });

  it("names each bad key with what would be valid", () => {
    const r = parseTenantConfig({ ...staging(), endpoints: { ociObjectStorage: "objectstorage.example.com", route53: "https://route53.amazonaws.com/2013-04-01/", s3ForcePathStyle: true, sqs: "https://x" } });
    if (r.ok) throw new Error("accepted");
    const byKey = Object.fromEntries(r.issues.map((i) => [i.key, i.message]));
    expect(byKey["tundra:endpoints.ociObjectStorage"]).toMatch(/http\(s\) base URL/);
    expect(byKey["tundra:endpoints.route53"]).toMatch(/without a path/);
    expect(byKey["tundra:endpoints.s3ForcePathStyle"]).toMatch(/set tundra:endpoints\.s3 too/);
    expect(Object.keys(byKey).some((k) => k.startsWith("tundra:endpoints"))).toBe(true);
    expect(formatIssues(r.issues)).toMatch(/sqs/);
  });
});

describe("one S3 endpoint", () => {
  it("refuses tundra:endpoints.s3 beside a different tundra:dataSync.source.endpoint, and accepts the same one", () => {
    const dataSync = { source: { bucket: "acme-warehouse", region: "us-east-1", endpoint: "http://127.0.0.1:9000" }, generation: "g1" };
    const refused = parseTenantConfig({ ...staging(), dataSync, endpoints: { s3: "http://127.0.0.1:9001" } });
    expect(refused.ok ? [] : refused.issues).toEqual([{ key: "tundra:endpoints.s3", message: expect.stringContaining("keep one") }]);
    const same = parseTenantConfig({ ...staging(), dataSync, endpoints: { s3: "http://127.0.0.1:9000" } });
    expect(same.ok ? [] : same.issues).toEqual([]);
  });
});
