// DecommissionGuard state across provider versions, through the real dynamic-provider host: a
// version-1 state (route53 and destination from the aws-side config, a free-text ociStack.note)
// is upgraded to version 2 (what the OCI stack lacks named in ociStack.missing), so an existing
// stack's refresh and destroy still work; a state with a version this checkout does not know (a
// newer checkout wrote it) is refused, and a refused delete is still a refusal: `pulumi destroy`
// deletes nothing else.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromVersion1, stateVersions } from "../../components/decommission/operations";
import { destroy, ProviderCallError, refresh, serializeProvider, startProviderHost, type ProviderHost, type ResourceState } from "../support/provider-host";

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
  it("writes version 2 and upgrades version 1: route53 and destination kept, the note's outputs and dataSync.source (never read then) missing", () => {
    expect(stateVersions.current).toBe(2);
    const v1 = recordedV1({ ociStack: { name: "acme-org/tundra-replatform/prod", ociFullSince: "", awsDecommissioned: false, note: "the OCI stack exports no cutover output" } }).outputs;
    const v2 = fromVersion1(v1);
    expect(v2.route53).toEqual(v1.route53);
    expect(v2.destination).toEqual(v1.destination);
    expect(v2.ociStack).toEqual({ name: "acme-org/tundra-replatform/prod", ociFullSince: "", awsDecommissioned: false, source: null, missing: ["cutover", "dataSync.source"], invalid: [] });
    expect(fromVersion1(recordedV1().outputs).ociStack).toMatchObject({ source: null, missing: ["dataSync.source"], invalid: [] });
  });

  it("an existing version-1 guard: diff is an update (its state moves to version 2), refresh and destroy work on it, and destroy refuses until an up reads dataSync.source", async () => {
    const state = recordedV1();
    const news = { ...fromVersion1(state.inputs), safe: false, blockers: ["data: 2 objects (28 bytes) in AWS are missing or different in OCI, e.g. late.csv; run the sync first"], verdict: "", unassessed: [] };
    expect((await host.diff(state.id, state.outputs, news)).changes).toBe("some");
    const refreshed = await refresh(host, state);
    expect(refreshed!.outputs).toMatchObject({ schemaVersion: 2, route53: state.outputs.route53, ociStack: { source: null, missing: ["dataSync.source"] }, safe: false });
    const err = await destroy(host, state).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderCallError);
    expect((err as Error).message).toContain("refusing to delete");
    expect((err as Error).message).toContain(
      "oci stack: the OCI stack acme-org/tundra-replatform/prod exports no dataSync.source (as of this stack's last `pulumi up`): run `pulumi up` there with tundra:dataSync first",
    );
  }, 120_000);

  it("refuses a state with a schemaVersion it does not know, in diff and destroy, naming the way out", async () => {
    for (const schemaVersion of [3, 0, "1"]) {
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
