// The guard's diff decision, alone: what makes `pulumi preview` show an update.
import { describe, expect, it } from "vitest";
import { diffGuard, SCHEMA_VERSION } from "../components/decommission/operations";

const config = {
  tenant: "acme",
  route53: { zoneId: "Z1", recordName: "acme.example.com", recordType: "A", awsSetIdentifier: "aws", ociSetIdentifier: "oci" },
  source: { bucket: "legacy", prefix: "tenants/acme/", region: "us-east-1", endpoint: "", forcePathStyle: false },
  destination: { namespace: "ns", bucket: "tundra-acme-prod", prefix: "", region: "", endpoint: "" },
  minDaysOnOci: 7,
  ociStack: { name: "org/tundra-replatform/prod", ociFullSince: "2026-11-10T00:00:00Z", awsDecommissioned: true, note: "" },
};
const recorded = (blockers: string[]) => ({ ...config, schemaVersion: SCHEMA_VERSION, safe: blockers.length === 0, blockers, assessedAt: "2026-11-20T00:00:00Z" });
const checked = (blockers: string[], unassessed: string[] = []) => ({ ...config, safe: blockers.length === 0, blockers, verdict: "", unassessed });
const DATA_TIMEOUT = "data: the final comparison of the AWS source with the OCI bucket did not run (comparing the AWS source with the OCI bucket took longer than 120 s)";

describe("diffGuard", () => {
  it("is no change for the same verdict with other numbers", () => {
    expect(diffGuard(recorded(["data: 1 objects (14 bytes) ..."]), checked(["data: 2 objects (28 bytes) ..."])).changes).toBe(false);
  });

  it("is an update when the verdict changes, and never a replacement", () => {
    const d = diffGuard(recorded(["data: 1 objects"]), checked([]));
    expect(d).toMatchObject({ changes: true, replaces: [], changed: ["blockers"] });
    expect(diffGuard(recorded([]), { ...checked([]), tenant: "acme2" })).toMatchObject({ changes: true, replaces: [], changed: ["tenant"] });
  });

  it("ignores what a preview could not gather in time (a large bucket), so it does not churn", () => {
    expect(diffGuard(recorded([]), checked([DATA_TIMEOUT], ["data"])).changes).toBe(false);
    expect(diffGuard(recorded(["data: 3 objects"]), checked([DATA_TIMEOUT], ["data"])).changes).toBe(false);
    // ... but still sees the facts it did gather.
    expect(diffGuard(recorded([]), checked(["traffic: AWS still has Route53 weight 5 (OCI 95)", DATA_TIMEOUT], ["data"])).changed).toEqual(["blockers"]);
  });

  it("is an update for state written by another schema version", () => {
    expect(diffGuard({ ...recorded([]), schemaVersion: 0 }, checked([])).changed).toEqual(["schemaVersion"]);
  });
});
