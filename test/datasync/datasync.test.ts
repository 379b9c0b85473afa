import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalDirectoryStore, manifestDigest, sync, type ObjectInfo } from "../../components/transfer";
import { OciStore } from "../../components/transfer/oci-store";
import { writeCorpus } from "../support/corpus";
import { OciObjectStorageServer } from "../support/oci-objectstorage-server";
import {
  destroy, partialState, ProviderCallError, refresh, UNKNOWN, up,
  type ProviderHost, type ResourceState,
} from "../support/provider-host";
import { startDataSyncRig, type DataSyncRig } from "../support/datasync-rig";

// The DataSync dynamic provider, serialized as `new DataSync(...)` does and run in the real
// dynamic-provider host, against s3rver (source) and the OCI test server (destination).
// Credentials reach the host only through its environment (AWS chain, OCI config file).
describe("DataSync dynamic resource through the provider host", () => {
  let rig: DataSyncRig;
  let oci: OciObjectStorageServer;
  let host: ProviderHost;
  let provider: string;
  let dest: OciStore;
  let putSource: DataSyncRig["putSource"];
  let inputs: Record<string, unknown>;
  let state: ResourceState;

  async function listDest(): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    for await (const info of dest.list()) out.push(info);
    return out;
  }

  beforeAll(async () => {
    rig = await startDataSyncRig("datasync-", async ({ tmp, source: src }) => {
      await writeCorpus(path.join(tmp, "corpus"), { small: 20, large: [6 * 1024 * 1024 + 5] });
      await sync(new LocalDirectoryStore(path.join(tmp, "corpus")), src);
    });
    ({ oci, host, provider, dest, putSource } = rig);
    inputs = {
      ...rig.endpoints,
      generation: "2026-11-23",
      multipartThresholdMiB: 5,
      partSizeMiB: 5,
      concurrency: 4,
    };
  });
  afterAll(async () => {
    await rig?.close();
  });

  it("preview of a create shows the pending work; create copies everything and outputs the digest of the destination", async () => {
    const preview = await up(host, provider, undefined, inputs, { preview: true });
    expect(preview.op).toBe("create");
    expect(preview.checked.pendingWork).toMatch(/^copy 33 objects \(6\.\d MiB\); skip 0 already in place/);
    expect(await listDest()).toEqual([]);

    const created = await up(host, provider, undefined, inputs);
    state = created.state!;
    expect(state.id).toContain("oci://testns/tenant/data/");
    expect(state.outputs).toMatchObject({ schemaVersion: 1, complete: true, objectCount: 33, copiedObjects: 33, failedObjects: 0, lastError: "", drift: "none" });
    expect(state.outputs.manifestDigest).toBe(manifestDigest(await listDest()));
    expect(JSON.stringify(state)).not.toMatch(/S3RVER|PRIVATE KEY/);
  });

  it("same inputs: no diff, even when the source has new data (the generation decides)", async () => {
    await putSource("later/new-object.txt", "arrived after the first sync");
    const same = await up(host, provider, state, inputs);
    expect(same.op).toBe("same");
  });

  it("preview with an unknown generation is an update; a new generation previews and syncs only the new data", async () => {
    const unknown = await up(host, provider, state, { ...inputs, generation: UNKNOWN }, { preview: true });
    expect(unknown.op).toBe("update");
    expect(unknown.checked.pendingWork).toBe("not computed: some inputs are unknown until apply");

    const next = { ...inputs, generation: "2026-11-24" };
    const preview = await up(host, provider, state, next, { preview: true });
    expect(preview.op).toBe("update");
    expect(preview.checked.pendingWork).toMatch(/^copy 1 objects \(28 B\); skip 33 already in place/);

    const updated = await up(host, provider, state, next);
    expect(updated.op).toBe("update");
    expect(updated.state!.outputs).toMatchObject({ complete: true, copiedObjects: 1, skippedObjects: 33, objectCount: 34, generation: "2026-11-24" });
    expect(updated.state!.outputs.manifestDigest).not.toBe(state.outputs.manifestDigest);
    state = updated.state!;
  });

  it("a run that fails part-way records partial state; the next up resumes and completes", async () => {
    await putSource("later/second.txt", "second batch");
    await putSource("later/blocked.txt", "this one fails at first");
    oci.faults.configure({ unavailable: 1, applies: (req) => req.method === "PUT" && decodeURIComponent(req.url ?? "").includes("later/blocked.txt") });
    const next = { ...inputs, generation: "2026-11-25" };
    const err: ProviderCallError = await up(host, provider, state, next).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderCallError);
    expect(err.message).toContain("later/blocked.txt");
    const partial = partialState(err, next);
    expect(partial.outputs).toMatchObject({ complete: false, failedObjects: 1, copiedObjects: 1, generation: "2026-11-25" });
    expect(partial.outputs.lastError).toContain("later/blocked.txt");
    expect(partial.initErrors?.[0]).toContain("later/blocked.txt");
    expect(oci.openUploads()).toEqual([]);

    oci.faults.configure({});
    const resumed = await up(host, provider, partial, next);
    expect(resumed.op).toBe("update");
    expect(resumed.state!.outputs).toMatchObject({ complete: true, copiedObjects: 1, failedObjects: 0, objectCount: 36 });
    state = resumed.state!;
    expect(state.outputs.manifestDigest).toBe(manifestDigest(await listDest()));
  });

  it("refresh reports drift at the destination; the next up repairs it", async () => {
    expect((await refresh(host, state))!.outputs).toMatchObject({ drift: "none", driftObjects: 0 });
    await dest.delete("small/obj-0003.bin");
    const refreshed = (await refresh(host, state))!;
    expect(refreshed.outputs.driftObjects).toBe(1);
    expect(refreshed.outputs.drift).toMatch(/^1 objects missing at the destination; destination digest is sha256:/);

    const repaired = await up(host, provider, refreshed, { ...inputs, generation: "2026-11-25" });
    expect(repaired.op).toBe("update");
    expect(repaired.state!.outputs).toMatchObject({ copiedObjects: 1, driftObjects: 0, drift: "none" });
    expect(repaired.state!.outputs.manifestDigest).toBe(state.outputs.manifestDigest);
    state = repaired.state!;
  });

  it("check names every bad field and how to fix it", async () => {
    const err: ProviderCallError = await up(host, provider, undefined, {
      source: { bucket: "", region: "us-east-1", prefix: "/abs" },
      destination: { namespace: "testns", bucket: "tenant", endpoint: "not a url" },
      extraneous: "remove",
      concurrency: 0,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderCallError);
    const byProperty = Object.fromEntries(err.failures.map((f) => [f.property, f.reason]));
    expect(Object.keys(byProperty).sort()).toEqual(["concurrency", "destination.endpoint", "extraneous", "generation", "source.bucket", "source.prefix"]);
    expect(byProperty.generation).toContain("change it");
    expect(byProperty.extraneous).toContain('"keep"');
  });

  it("delete keeps the data unless purgeOnDelete is set", async () => {
    const before = (await listDest()).length;
    await destroy(host, state);
    expect((await listDest()).length).toBe(before);

    const purgeInputs = { ...inputs, destination: { namespace: "testns", bucket: "tenant", prefix: "scratch", endpoint: oci.endpoint }, purgeOnDelete: true };
    const scratch = await up(host, provider, undefined, purgeInputs);
    expect(oci.objectNames("tenant").filter((n) => n.startsWith("scratch/")).length).toBe(36);
    await destroy(host, scratch.state!);
    expect(oci.objectNames("tenant").filter((n) => n.startsWith("scratch/"))).toEqual([]);
    expect((await listDest()).length).toBe(before);
  });
});
