// The DecommissionGuard dynamic resource through the real dynamic-provider host (child process,
// gRPC), against the Route53 test server, s3rver (the AWS data) and the OCI Object Storage test
// server (the tenant's bucket). Credentials and endpoints reach the host only through its
// environment and provider config, as with `pulumi` for real.
import * as crypto from "crypto";
import * as fsp from "fs/promises";
import * as os from "os";
import * as path from "path";
import { Readable } from "stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ociStackFacts } from "../../components/decommission/oci-stack-facts";
import { sync } from "../../components/transfer";
import { OciStore } from "../../components/transfer/oci-store";
import { S3Store } from "../../components/transfer/s3-store";
import { makeOciTestAuth } from "../support/oci-signature";
import { OciObjectStorageServer } from "../support/oci-objectstorage-server";
import { destroy, ProviderCallError, refresh, serializeProvider, startProviderHost, UNKNOWN, up, type ProviderHost, type ResourceState } from "../support/provider-host";
import { startRoute53Server, type Route53Server } from "../support/route53-server";
import { startS3rver, type S3rverHandle } from "../support/s3rver";
import { writeOciConfigFile } from "../support/store-helpers";

const root = path.resolve(__dirname, "../..");
const NAME = "acme.analytics.example.com";
const DAY_MS = 24 * 60 * 60 * 1000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();

const auth = makeOciTestAuth();
let tmp: string;
let route53: Route53Server;
let s3: S3rverHandle;
let oci: OciObjectStorageServer;
let host: ProviderHost;
let provider: string;
let source: S3Store;
let destination: OciStore;
let zone: string;

async function putSource(key: string, body: string): Promise<void> {
  const data = Buffer.from(body);
  await source.put(key, Readable.from([data]), { size: data.length, md5: crypto.createHash("md5").update(data).digest("hex") });
}

function setWeights(aws: number | undefined, ociWeight: number): void {
  if (aws !== undefined) route53.putRecord(zone, { Name: NAME, Type: "A", SetIdentifier: "aws", Weight: aws, TTL: 60, ResourceRecords: ["192.0.2.10"] });
  route53.putRecord(zone, { Name: NAME, Type: "A", SetIdentifier: "oci", Weight: ociWeight, TTL: 60, ResourceRecords: ["198.51.100.20"] });
}

/** Inputs as the AWS-side program passes them; by default every condition holds. */
function inputs(ociStack: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    tenant: "acme",
    route53: { zoneId: zone, recordName: NAME, recordType: "A", awsSetIdentifier: "aws", ociSetIdentifier: "oci" },
    source: { bucket: "legacy", prefix: "tenants/acme", region: "us-east-1", endpoint: s3.endpoint, forcePathStyle: true },
    destination: { namespace: "testns", bucket: "tundra-acme-prod", prefix: "data", endpoint: oci.endpoint },
    minDaysOnOci: 7,
    ociStack: {
      name: "acme-org/tundra-replatform/prod",
      ociFullSince: daysAgo(10),
      awsDecommissioned: true,
      source: { bucket: "legacy", prefix: "tenants/acme/", region: "us-east-1" },
      missing: [],
      invalid: [],
      ...ociStack,
    },
    ...extra,
  };
}

async function refusal(state: ResourceState): Promise<ProviderCallError> {
  const err = await destroy(host, state).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, "destroy must refuse").toBeInstanceOf(ProviderCallError);
  return err as ProviderCallError;
}

beforeAll(async () => {
  tmp = await fsp.mkdtemp(path.join(os.tmpdir(), "guard-"));
  route53 = await startRoute53Server({ syncDelayMs: 50 });
  s3 = await startS3rver({ buckets: ["legacy"] });
  oci = new OciObjectStorageServer({ buckets: ["tundra-acme-prod"], publicKeys: new Map([[auth.keyId, auth.publicKey]]) });
  await oci.start();
  source = new S3Store({ ...s3.clientOptions, bucket: "legacy", prefix: "tenants/acme" });
  destination = new OciStore({ bucket: "tundra-acme-prod", namespace: "testns", prefix: "data", endpoint: oci.endpoint, auth: { kind: "provider", provider: auth.provider } });
  for (let i = 0; i < 12; i++) await putSource(`sales/2026/${String(i).padStart(2, "0")}.csv`, `row,${i}\n`.repeat(50 + i));
  await putSource("a b&c+d.csv", "odd key");
  // Another tenant's data in the same bucket: not the guard's business.
  await new S3Store({ ...s3.clientOptions, bucket: "legacy", prefix: "tenants/other" }).put("x.csv", Readable.from([Buffer.from("x")]), { size: 1, md5: crypto.createHash("md5").update("x").digest("hex") });
  await sync(source, destination);

  const configFile = await writeOciConfigFile(tmp, auth);

  provider = await serializeProvider("components/decommission/provider.ts", "decommissionGuardProvider");
  host = await startProviderHost({
    // One AWS identity for Route53 and S3 (s3rver only accepts S3RVER), the OCI CLI config file for OCI.
    env: { AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER", AWS_REGION: "us-east-1", OCI_CLI_CONFIG_FILE: configFile },
    config: { "tundra-replatform:route53Endpoint": route53.endpoint, "tundra-replatform:dataSyncOciAuth": "config-file" },
    deadlineMs: 120_000,
  });
}, 120_000);

afterAll(async () => {
  await host?.stop();
  await route53?.stop();
  await s3?.close();
  await oci?.close();
  if (tmp) await fsp.rm(tmp, { recursive: true, force: true });
});

beforeEach(() => {
  zone = route53.createZone("analytics.example.com");
  setWeights(0, 100);
});

describe("DecommissionGuard through the provider host", () => {
  it("serializes without an absolute path or an SDK client", () => {
    expect(provider).toContain("loadProjectModule");
    expect(provider).not.toContain(root);
    expect(provider).not.toMatch(/Route53Client|S3Client|ObjectStorageClient/);
  });

  it("names bad inputs by property in check", async () => {
    const bad = inputs({ ociFullSince: "last week", awsDecommissioned: "yes" }, { minDaysOnOci: -1, route53: { zoneId: zone, recordName: NAME, ociSetIdentifier: "aws" }, source: { region: "us-east-1" } });
    const err: ProviderCallError = await up(host, provider, undefined, bad, { preview: true }).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderCallError);
    expect(err.method).toBe("check");
    expect(err.failures?.map((f) => f.property).sort()).toEqual([
      "minDaysOnOci", "ociStack.awsDecommissioned", "ociStack.ociFullSince", "route53.ociSetIdentifier", "source.bucket",
    ]);
  });

  it("preview shows safe/blockers with their numbers, every blocker at once", async () => {
    setWeights(5, 95);
    await putSource("late/arrived-after-sync.csv", "not in OCI yet");
    try {
      const preview = await up(host, provider, undefined, inputs({ ociFullSince: daysAgo(2), awsDecommissioned: false }), { preview: true });
      expect(preview.op).toBe("create");
      expect(preview.checked.safe).toBe(false);
      expect(preview.checked.verdict).toBe("destroy refused: 4 blockers (bake, data, rollback path, traffic)");
      const blockers = preview.checked.blockers as string[];
      expect(blockers[0]).toBe("traffic: AWS still has Route53 weight 5 (OCI 95); finish the cutover to OCI 100% first");
      expect(blockers[1]).toMatch(/^bake: OCI has carried 100% for 2\.0 days since .*; 7 are required$/);
      expect(blockers[2]).toMatch(/^rollback path: the OCI stack's cutover still has awsDecommissioned=false/);
      expect(blockers[3]).toBe("data: 1 objects (14 bytes) in AWS are missing or different in OCI, e.g. late/arrived-after-sync.csv; run the sync first");
      // Nothing was written anywhere by a preview.
      expect(route53.log.filter((l) => l.action === "ChangeResourceRecordSets")).toEqual([]);
    } finally {
      await source.delete("late/arrived-after-sync.csv");
    }
  });

  it("preview with the OCI stack's facts unknown says so instead of guessing", async () => {
    const preview = await up(host, provider, undefined, inputs({ ociFullSince: UNKNOWN }), { preview: true });
    expect(preview.checked).toMatchObject({ safe: false, blockers: ["not assessed: ociStack.ociFullSince unknown until apply"] });
  });

  it("destroy refuses, naming every blocker with its numbers, while AWS has weight, data is missing, days are too few and the OCI stack has not acknowledged", async () => {
    setWeights(5, 95);
    await putSource("late/arrived-after-sync.csv", "not in OCI yet");
    try {
      const { state } = await up(host, provider, undefined, inputs({ ociFullSince: daysAgo(2), awsDecommissioned: false }));
      expect(state!.outputs).toMatchObject({ schemaVersion: 2, safe: false });
      expect(Date.parse(state!.outputs.assessedAt as string)).toBeGreaterThan(Date.now() - 60_000);
      const err = await refusal(state!);
      expect(err.message).toContain("refusing to delete, so `pulumi destroy` deletes nothing else in this stack either");
      expect(err.message).toContain("traffic: AWS still has Route53 weight 5 (OCI 95)");
      expect(err.message).toMatch(/bake: OCI has carried 100% for 2\.0 days since \S+; 7 are required/);
      expect(err.message).toContain("rollback path: the OCI stack's cutover still has awsDecommissioned=false");
      expect(err.message).toContain("data: 1 objects (14 bytes) in AWS are missing or different in OCI, e.g. late/arrived-after-sync.csv");
    } finally {
      await source.delete("late/arrived-after-sync.csv");
    }
  });

  const ORIGINAL_03 = "row,3\n".repeat(53);
  const oneBlocker: { what: string; arrange: () => Promise<Record<string, unknown>>; blocker: RegExp; cleanup?: () => Promise<void> }[] = [
    { what: "AWS still has weight", arrange: async () => (setWeights(1, 99), inputs()), blocker: /traffic: AWS still has Route53 weight 1 \(OCI 99\)/ },
    {
      what: "no OCI record serves",
      arrange: async () => (setWeights(undefined, 0), inputs()),
      blocker: /traffic: no OCI record carries traffic/,
    },
    {
      what: "a third weighted record takes a share",
      arrange: async () => (route53.putRecord(zone, { Name: NAME, Type: "A", SetIdentifier: "aws-eu", Weight: 10, TTL: 60, ResourceRecords: ["192.0.2.99"] }), inputs()),
      blocker: /traffic: the weighted record "aws-eu" outside the AWS\/OCI pair has weight 10/,
    },
    {
      what: "data differs in OCI",
      arrange: async () => (await putSource("sales/2026/03.csv", "rewritten on AWS after the sync"), inputs()),
      blocker: /data: 1 objects \(31 bytes\) in AWS are missing or different in OCI, e\.g\. sales\/2026\/03\.csv/,
      cleanup: () => putSource("sales/2026/03.csv", ORIGINAL_03),
    },
    {
      // In both stacks (a mismatch between them is the source blocker, below).
      what: "the source prefix is wrong (lists nothing)",
      arrange: async () => ({
        ...inputs({ source: { bucket: "legacy", prefix: "tenants/acme-typo", region: "us-east-1" } }),
        source: { bucket: "legacy", prefix: "tenants/acme-typo", region: "us-east-1", endpoint: s3.endpoint, forcePathStyle: true },
      }),
      blocker: /data: the AWS source s3:\/\/legacy\/tenants\/acme-typo\/ lists no objects/,
    },
    { what: "too few days on OCI", arrange: async () => inputs({ ociFullSince: daysAgo(6.5) }), blocker: /bake: OCI has carried 100% for 6\.5 days since \S+; 7 are required/ },
    {
      what: "the OCI stack gives no date",
      arrange: async () => inputs({ ociFullSince: "", missing: ["cutover.ociFullSince"] }),
      blocker: /bake: the OCI stack has no record[\s\S]*oci stack: the OCI stack acme-org\/tundra-replatform\/prod exports no cutover\.ociFullSince \(as of this stack's last `pulumi up`\): run `pulumi up` there with tundra:cutover first/,
    },
    { what: "the OCI stack has not acknowledged", arrange: async () => inputs({ awsDecommissioned: false }), blocker: /rollback path: the OCI stack's cutover still has awsDecommissioned=false/ },
    {
      what: "the OCI stack's DataSync copied from another prefix than this stack's source",
      arrange: async () => inputs({ source: { bucket: "legacy", prefix: "tenants/acme-old", region: "us-east-1" } }),
      blocker: /source: the OCI stack's DataSync copied from s3:\/\/legacy\/tenants\/acme-old\/ \(us-east-1\), but this stack's source is s3:\/\/legacy\/tenants\/acme\/ \(us-east-1\), so the data comparison would check the wrong data/,
    },
  ];
  for (const { what, arrange, blocker, cleanup } of oneBlocker) {
    it(`destroy refuses when only ${what}`, async () => {
      const { state } = await up(host, provider, undefined, inputs());
      expect(state!.outputs.safe).toBe(true);
      try {
        const changed = await up(host, provider, state, await arrange());
        expect(changed.op).toBe("update");
        const err = await refusal(changed.state!);
        expect(err.message).toMatch(blocker);
        // Only that one: every other condition still holds.
        expect(err.message.split("\n").filter((l) => l.startsWith("  - ") && !l.startsWith("  - oci stack:"))).toHaveLength(1);
      } finally {
        await cleanup?.();
      }
    });
  }

  it("refuses a fact left null without saying which OCI stack output is absent", async () => {
    const err: ProviderCallError = await up(host, provider, undefined, { ...inputs(), route53: null }, { preview: true }).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderCallError);
    expect(err.failures).toEqual([
      { property: "route53", reason: "is null, but neither ociStack.missing nor ociStack.invalid names cutover.route53: say why the OCI stack's cutover.route53 is absent" },
    ]);
  });

  describe("deployed before the OCI stack has synced or cut over (the AWS side comes first)", () => {
    /** The guard's inputs as the AWS-side program builds them from the OCI stack's outputs. */
    const fromOciStack = (outputs: Parameters<typeof ociStackFacts>[0]) => {
      const facts = ociStackFacts(outputs);
      return { ...inputs(), route53: facts.route53, destination: facts.destination, ociStack: { name: "acme-org/tundra-replatform/prod", ...facts.ociStack } };
    };
    const STACK = "acme-org/tundra-replatform/prod";

    it("with no OCI stack outputs: created all the same, not safe, each missing output named, and delete refuses", async () => {
      const preview = await up(host, provider, undefined, fromOciStack({}), { preview: true });
      expect(preview.checked.safe).toBe(false);
      const { state } = await up(host, provider, undefined, fromOciStack({}));
      expect(state!.id).toBe("decommission-guard/acme");
      expect(state!.outputs).toMatchObject({ schemaVersion: 2, safe: false, verdict: "destroy refused: 6 blockers (bake, data, oci stack, rollback path, traffic)" });
      expect(state!.outputs.blockers).toEqual([
        "traffic: the Route53 records of the tenant could not be read (no Route53 pair to read: the OCI stack gives no usable cutover.route53), so it is unknown whether AWS still serves traffic",
        "bake: the OCI stack has no record of when OCI reached 100%; it must have carried all traffic for 7 days",
        "rollback path: the OCI stack's cutover still has awsDecommissioned=false, so tearing it down would send traffic back to AWS; set tundra:cutover.awsDecommissioned=true there and run `pulumi up` first",
        "data: the final comparison of the AWS source with the OCI bucket did not run (no OCI bucket to compare with: the OCI stack gives no usable dataSync.destination)",
        `oci stack: the OCI stack ${STACK} exports no dataSync.destination, no dataSync.source (as of this stack's last \`pulumi up\`): run \`pulumi up\` there with tundra:dataSync first`,
        `oci stack: the OCI stack ${STACK} exports no cutover.route53, no cutover.ociFullSince, no cutover.awsDecommissioned (as of this stack's last \`pulumi up\`): run \`pulumi up\` there with tundra:cutover first`,
      ]);
      const err = await refusal(state!);
      expect(err.message).toContain("Tenant acme (Route53 pair not known yet) is not ready to leave AWS:");
      expect(err.message).toContain(`exports no cutover.route53, no cutover.ociFullSince, no cutover.awsDecommissioned (as of this stack's last \`pulumi up\`): run \`pulumi up\` there with tundra:cutover first`);
      expect(err.message).toContain("exports no dataSync.destination, no dataSync.source");
    });

    it("with a dataSync but no cutover: compares the data with the bucket it names, the cutover's outputs block; with every output, safe", async () => {
      const dataSync = {
        destination: { namespace: "testns", bucket: "tundra-acme-prod", prefix: "data/", region: "us-ashburn-1" },
        source: { bucket: "legacy", prefix: "tenants/acme/", region: "us-east-1" },
      };
      // The test server stands in for the region's public endpoint (the program passes none).
      const atTestServer = (i: ReturnType<typeof fromOciStack>) => ({ ...i, destination: i.destination && { ...i.destination, endpoint: oci.endpoint } });
      const { state } = await up(host, provider, undefined, atTestServer(fromOciStack({ dataSync })));
      expect(state!.outputs.destination).toEqual({ ...dataSync.destination, endpoint: oci.endpoint });
      // The data was compared (nothing pending); the rest waits for the cutover's outputs.
      expect((state!.outputs.blockers as string[]).map((b) => b.split(":")[0])).toEqual(["traffic", "bake", "rollback path", "oci stack"]);
      expect((state!.outputs.blockers as string[])[3]).toBe(
        `oci stack: the OCI stack ${STACK} exports no cutover.route53, no cutover.ociFullSince, no cutover.awsDecommissioned (as of this stack's last \`pulumi up\`): run \`pulumi up\` there with tundra:cutover first`,
      );
      await refusal(state!);

      const cutover = { ociFullSince: daysAgo(10), awsDecommissioned: true, route53: { zoneId: zone, recordName: NAME, recordType: "A", awsSetIdentifier: "aws", ociSetIdentifier: "oci" } };
      const { state: after } = await up(host, provider, state, atTestServer(fromOciStack({ dataSync, cutover })));
      expect(after!.outputs).toMatchObject({ safe: true, blockers: [] });
      await expect(destroy(host, after!)).resolves.toBeUndefined();
    });
  });

  it("destroy succeeds when it is safe, re-checking the live facts", async () => {
    const { state } = await up(host, provider, undefined, inputs());
    expect(state!.outputs).toMatchObject({ safe: true, blockers: [], verdict: "destroy allowed: every decommission condition holds" });
    await expect(destroy(host, state!)).resolves.toBeUndefined();
    expect(host.output()).toContain("tenant acme is safe to decommission on AWS");
  });

  it("destroy re-assesses at delete time: a state recorded as safe still refuses after AWS got weight back", async () => {
    const { state } = await up(host, provider, undefined, inputs());
    expect(state!.outputs.safe).toBe(true);
    setWeights(50, 50);
    const err = await refusal(state!);
    expect(err.message).toContain("traffic: AWS still has Route53 weight 50 (OCI 50)");
  });

  it("refresh reflects a weight changed by hand in Route53; a refresh that finds nothing new changes nothing", async () => {
    const { state } = await up(host, provider, undefined, inputs());
    const same = await refresh(host, state!);
    expect(same!.outputs).toEqual(state!.outputs);

    setWeights(10, 90);
    const drifted = await refresh(host, state!);
    expect(drifted!.outputs).toMatchObject({ safe: false, blockers: ["traffic: AWS still has Route53 weight 10 (OCI 90); finish the cutover to OCI 100% first"] });
    expect(drifted!.outputs.assessedAt).not.toBe(state!.outputs.assessedAt);
  });

  it("no perpetual diff: unchanged facts, or moving numbers in the same verdict, are no change; a new verdict is an update", async () => {
    await putSource("late/one.csv", "not in OCI yet");
    try {
      const recorded = inputs(); // the OCI stack's facts, as read once by the program
      const { state } = await up(host, provider, undefined, recorded);
      expect(state!.outputs).toMatchObject({ safe: false, verdict: "destroy refused: 1 blocker (data)" });
      expect((await up(host, provider, state, recorded, { preview: true })).op).toBe("same");

      // More data arrived on AWS: the numbers moved, the verdict (data) did not.
      await putSource("late/two.csv", "neither is this");
      const moved = await up(host, provider, state, recorded, { preview: true });
      expect(moved.op).toBe("same");
      expect((moved.checked.blockers as string[])[0]).toMatch(/^data: 2 objects/);

      // AWS got weight back: a new kind of blocker, so the preview shows an update.
      setWeights(5, 95);
      const worse = await up(host, provider, state, recorded, { preview: true });
      expect(worse.op).toBe("update");
      expect(worse.checked.verdict).toBe("destroy refused: 2 blockers (data, traffic)");
    } finally {
      await source.delete("late/one.csv");
      await source.delete("late/two.csv");
    }
    // Everything holds again: the preview shows the update to safe.
    setWeights(0, 100);
    const { state } = await up(host, provider, undefined, inputs());
    expect(state!.outputs.safe).toBe(true);
  });
});
