// Cutover state across provider versions, through the real dynamic-provider host: a state this
// checkout wrote (schemaVersion 1, the only version so far) is read as before; a state with a
// version it does not know (a newer checkout wrote it) is refused before anything is touched.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { destroy, ProviderCallError, refresh, serializeProvider, startProviderHost, type ProviderHost, type ResourceState } from "../support/provider-host";
import { startRoute53Server, type Route53Server } from "../support/route53-server";

const NAME = "tenant9.example.com";
const credentials = { AWS_ACCESS_KEY_ID: "AKIDTEST", AWS_SECRET_ACCESS_KEY: "secret", AWS_REGION: "us-east-1" };

let server: Route53Server;
let host: ProviderHost;
let provider: string;
let zone: string;

/** A completed cutover as version 1 recorded it (inputs, then outputs). */
function recordedV1(overrides: Record<string, unknown> = {}): ResourceState {
  const inputs = {
    zoneId: zone,
    recordName: NAME,
    recordType: "A",
    ttl: 1,
    aws: { values: ["192.0.2.10"] },
    oci: { values: ["198.51.100.20"] },
    targetOciPercent: 100,
    steps: [50, 100],
    bake: "1s",
    gates: { interval: "500ms", probe: { url: "http://127.0.0.1:9/", hostHeader: NAME } },
  };
  return {
    id: `${zone}/${NAME}/A`,
    inputs: { ...inputs, __provider: provider },
    outputs: {
      ...inputs,
      transition: "oci 0% (new weighted pair) -> 100% via 50/100, bake 1s",
      safety: "gates every 500ms: probe http://127.0.0.1:9/ ...",
      schemaVersion: 1,
      awsWeight: 0,
      ociWeight: 100,
      ociPercent: 100,
      healthCheckIds: { aws: "", oci: "" },
      ociFullSince: "2026-11-20T08:00:00.000Z",
      history: [],
      status: "complete",
      lastError: "",
      lastMeasurements: [],
      healthCheckGeneration: "0a1b2c3d",
      __provider: provider,
      ...overrides,
    },
  };
}

function pair(aws: number, oci: number): void {
  server.putRecord(zone, { Name: NAME, Type: "A", SetIdentifier: "aws", Weight: aws, TTL: 1, ResourceRecords: ["192.0.2.10"] });
  server.putRecord(zone, { Name: NAME, Type: "A", SetIdentifier: "oci", Weight: oci, TTL: 1, ResourceRecords: ["198.51.100.20"] });
}

beforeAll(async () => {
  server = await startRoute53Server({ syncDelayMs: 20 });
  provider = await serializeProvider("components/cutover/provider.ts", "cutoverProvider");
  host = await startProviderHost({ env: { ...credentials, TUNDRA_ROUTE53_ENDPOINT: server.endpoint }, deadlineMs: 60_000 });
  zone = server.createZone("example.com");
}, 120_000);
afterAll(async () => {
  await host?.stop();
  await server?.stop();
});

describe("Cutover state versions", () => {
  it("reads a version-1 state as before: refresh sees the live weights", async () => {
    pair(30, 70);
    const refreshed = await refresh(host, recordedV1());
    expect(refreshed!.outputs).toMatchObject({ schemaVersion: 1, awsWeight: 30, ociWeight: 70, ociPercent: 70, ociFullSince: "" });
  });

  it("refuses a state with a schemaVersion it does not know, in diff, refresh and destroy, and changes nothing", async () => {
    pair(0, 100);
    const changesBefore = server.log.filter((l) => l.action === "ChangeResourceRecordSets").length;
    for (const schemaVersion of [2, "1"]) {
      const state = recordedV1({ schemaVersion });
      const failures = [
        await host.diff(state.id, state.outputs, state.inputs).catch((e: unknown) => e),
        await refresh(host, state).catch((e: unknown) => e),
        await destroy(host, state).catch((e: unknown) => e),
      ];
      for (const err of failures) {
        expect(err).toBeInstanceOf(ProviderCallError);
        expect((err as Error).message).toContain(`Cutover: the stored state has schemaVersion ${JSON.stringify(schemaVersion)}, which this checkout does not know`);
        expect((err as Error).message).toContain("run pulumi from that version");
      }
    }
    // Nothing was written: the refused delete did not restore AWS.
    expect(server.log.filter((l) => l.action === "ChangeResourceRecordSets").length).toBe(changesBefore);
    expect(server.records(zone).map((r) => [r.SetIdentifier, r.Weight])).toEqual([
      ["aws", 0],
      ["oci", 100],
    ]);
  });

  it("refuses a state without a schemaVersion: every Cutover ever wrote one, so such a state is not a Cutover's", async () => {
    const { schemaVersion: _, ...unversioned } = recordedV1().outputs;
    const err = await refresh(host, { ...recordedV1(), outputs: unversioned }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderCallError);
    expect((err as Error).message).toContain("Cutover: the stored state has schemaVersion undefined");
  });
});
