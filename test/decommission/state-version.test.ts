// DecommissionGuard state across provider versions, through the real dynamic-provider host: a
// state this checkout wrote (schemaVersion 1, the only version so far) is diffed as before; a
// state with a version it does not know (a newer checkout wrote it) is refused, and a refused
// delete is still a refusal: `pulumi destroy` deletes nothing else.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { destroy, ProviderCallError, serializeProvider, startProviderHost, type ProviderHost, type ResourceState } from "../support/provider-host";

let host: ProviderHost;
let provider: string;

/** A guard as version 1 recorded it (no fact is gathered before the version is checked). */
function recordedV1(overrides: Record<string, unknown> = {}): ResourceState {
  const inputs = {
    tenant: "acme",
    route53: { zoneId: "Z0123456789ABCDEFGHIJ", recordName: "acme.analytics.example.com", recordType: "A", awsSetIdentifier: "aws", ociSetIdentifier: "oci" },
    source: { bucket: "legacy", prefix: "tenants/acme/", region: "us-east-1", endpoint: "", forcePathStyle: false },
    destination: { namespace: "testns", bucket: "tundra-acme-prod", prefix: "data/", region: "", endpoint: "" },
    minDaysOnOci: 7,
    ociStack: { name: "acme-org/tundra-replatform/prod", ociFullSince: "2026-11-10T08:00:00.000Z", awsDecommissioned: true, note: "" },
  };
  return {
    id: "decommission-guard/acme/acme.analytics.example.com",
    inputs: { ...inputs, __provider: provider },
    outputs: {
      ...inputs,
      schemaVersion: 1,
      safe: false,
      blockers: ["data: 1 objects (14 bytes) in AWS are missing or different in OCI, e.g. late.csv; run the sync first"],
      verdict: "destroy refused: 1 blocker (data)",
      assessedAt: "2026-11-20T08:00:00.000Z",
      __provider: provider,
      ...overrides,
    },
  };
}

beforeAll(async () => {
  provider = await serializeProvider("components/decommission/provider.ts", "decommissionGuardProvider");
  host = await startProviderHost({ deadlineMs: 60_000 });
}, 120_000);
afterAll(async () => {
  await host?.stop();
});

describe("DecommissionGuard state versions", () => {
  it("diffs a version-1 state as before: the same inputs and verdict are no change", async () => {
    const state = recordedV1();
    const news = { ...state.inputs, safe: false, blockers: ["data: 2 objects (28 bytes) in AWS are missing or different in OCI, e.g. late.csv; run the sync first"], verdict: "", unassessed: [] };
    expect((await host.diff(state.id, state.outputs, news)).changes).toBe("none");
  });

  it("refuses a state with a schemaVersion it does not know, in diff and destroy, naming the way out", async () => {
    for (const schemaVersion of [2, 0, "1"]) {
      const state = recordedV1({ schemaVersion });
      const failures = [await host.diff(state.id, state.outputs, state.inputs).catch((e: unknown) => e), await destroy(host, state).catch((e: unknown) => e)];
      for (const err of failures) {
        expect(err).toBeInstanceOf(ProviderCallError);
        expect((err as Error).message).toContain(`DecommissionGuard: the stored state has schemaVersion ${JSON.stringify(schemaVersion)}, which this checkout does not know`);
        expect((err as Error).message).toContain("run pulumi from that version");
      }
    }
  });
});
