// The guard's diff decision, alone: what makes `pulumi preview` show an update.
import { describe, expect, it } from "vitest";
import { diff, stateVersions } from "../../components/decommission/operations";

const diffGuard = (olds: Record<string, unknown>, news: Record<string, unknown>) => diff("decommission-guard/acme/acme.example.com", olds, news);

const config = {
  tenant: "acme",
  route53: { zoneId: "Z1", recordName: "acme.example.com", recordType: "A", awsSetIdentifier: "aws", ociSetIdentifier: "oci" },
  source: { bucket: "legacy", prefix: "tenants/acme/", region: "us-east-1", endpoint: "", forcePathStyle: false },
  destination: { namespace: "ns", bucket: "tundra-acme-prod", prefix: "", region: "", endpoint: "" },
  minDaysOnOci: 7,
  ociStack: { name: "org/tundra-replatform/prod", ociFullSince: "2026-11-10T00:00:00Z", awsDecommissioned: true, source: { bucket: "legacy", prefix: "tenants/acme/", region: "us-east-1" }, missing: [], invalid: [] },
};
const recorded = (blockers: string[]) => ({ ...config, schemaVersion: stateVersions.current, safe: blockers.length === 0, blockers, assessedAt: "2026-11-20T00:00:00Z" });
const checked = (blockers: string[], unassessed: string[] = []) => ({ ...config, safe: blockers.length === 0, blockers, verdict: "", unassessed });
const DATA_TIMEOUT = "data: the final comparison of the AWS source with the OCI bucket did not run (comparing the AWS source with the OCI bucket took longer than 120 s)";

describe("diffGuard", () => {
  it("is no change for the same verdict with other numbers", async () => {
    expect((await diffGuard(recorded(["data: 1 objects (14 bytes) ..."]), checked(["data: 2 objects (28 bytes) ..."]))).changes).toBe(false);
  });

  it("is an update when the verdict changes, and never a replacement", async () => {
    const d = await diffGuard(recorded(["data: 1 objects"]), checked([]));
    expect(d).toMatchObject({ changes: true, replaces: [], changed: ["blockers"] });
    expect(await diffGuard(recorded([]), { ...checked([]), tenant: "acme2" })).toMatchObject({ changes: true, replaces: [], changed: ["tenant"] });
  });

  it("ignores what a preview could not gather in time (a large bucket), so it does not churn", async () => {
    expect((await diffGuard(recorded([]), checked([DATA_TIMEOUT], ["data"]))).changes).toBe(false);
    expect((await diffGuard(recorded(["data: 3 objects"]), checked([DATA_TIMEOUT], ["data"]))).changes).toBe(false);
    // ... but still sees the facts it did gather.
    expect((await diffGuard(recorded([]), checked(["traffic: AWS still has Route53 weight 5 (OCI 95)", DATA_TIMEOUT], ["data"]))).changed).toEqual(["blockers"]);
  });

  it("compares inputs as the guard keeps them: an unnormalized prefix or a default left out is no change", async () => {
    const written = { ...checked([]), source: { bucket: "legacy", prefix: "tenants/acme", region: "us-east-1" }, route53: { zoneId: "Z1", recordName: "acme.example.com" } };
    expect((await diffGuard(recorded([]), written)).changed).toEqual([]);
    expect((await diffGuard(recorded([]), { ...written, source: { ...written.source, prefix: "tenants/other" } })).changed).toEqual(["source"]);
  });
});
