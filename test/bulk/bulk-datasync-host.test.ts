// DataSync with bulk on, serialized as `new DataSync(...)` does and run in the real dynamic-provider
// host against s3rver (source) and the OCI test server (destination): after the bulk copy, each run
// is the final delta, and no manifest digest is output while the engine's plan afterwards still
// has objects to copy (here: the tenant writes an object while the delta is being copied).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manifestDigest, sync } from "../../components/transfer";
import { OciStore } from "../../components/transfer/oci-store";
import { OciObjectStorageServer } from "../support/oci-objectstorage-server";
import { partialState, ProviderCallError, up, type ProviderHost } from "../support/provider-host";
import { listAll } from "../support/store-helpers";
import { startDataSyncRig, type DataSyncRig } from "../support/datasync-rig";

describe("DataSync with bulk on, through the provider host", () => {
  let rig: DataSyncRig;
  let oci: OciObjectStorageServer;
  let host: ProviderHost;
  let provider: string;
  let dest: OciStore;
  let putSource: DataSyncRig["putSource"];
  let inputs: Record<string, unknown>;

  beforeAll(async () => {
    rig = await startDataSyncRig("bulk-datasync-", async (r) => {
      for (let i = 0; i < 10; i++) await r.putSource(`part-${i}.parquet`, `rows of part ${i}`);
      // The bulk copy (AWS DataSync in production) has already copied everything there was.
      await sync(r.source, r.dest);
    });
    ({ oci, host, provider, dest, putSource } = rig);
    inputs = { ...rig.endpoints, generation: "2026-12-01", bulk: true };
  }, 120_000);
  afterAll(async () => {
    await rig?.close();
  });

  it("previews the copy time: with bulk on, as the final delta's upper bound; without, against the window", async () => {
    await putSource("delta/new.parquet", "written after the bulk copy listed the source");
    const bulk = await up(host, provider, undefined, inputs, { preview: true });
    expect(bulk.checked.pendingWork).toMatch(/^copy 1 objects \(\d+ B\); skip 10 already in place \(\d+ B\); about 1 min on one runner at 206\.5 MB\/s at most: the bulk copy \(AWS DataSync\) runs first and this run syncs the final delta, then verifies$/);
    const single = await up(host, provider, undefined, { ...inputs, bulk: false, copyWindowHours: 2 }, { preview: true });
    expect(single.checked.pendingWork).toMatch(/; about 1 min on one runner at 206\.5 MB\/s \(within the 2 h window\)$/);
  });

  it("refuses to output a digest while the plan after the delta still has objects to copy; the next up finishes and outputs it", async () => {
    // The tenant writes one more object while the delta is being copied: the plan after the delta
    // finds it missing. The destination holds the first PUT long enough for that write to land.
    let arrived: Promise<void> | undefined;
    oci.faults.configure({
      slow: 1,
      slowMs: 1500,
      applies: (req) => {
        if (arrived || req.method !== "PUT") return false;
        arrived = putSource("zz-arrived/during-run.parquet", "written during the final delta");
        return true;
      },
    });
    const failed = await up(host, provider, undefined, inputs).catch((e: unknown) => e);
    oci.faults.configure({});
    await arrived;
    expect(failed).toBeInstanceOf(ProviderCallError);
    expect((failed as Error).message).toMatch(/1 object\(s\) still differ .*zz-arrived\/during-run\.parquet \(missing\); no manifest digest is output/);
    const partial = partialState(failed as ProviderCallError, inputs);
    expect(partial.outputs).toMatchObject({ complete: false, manifestDigest: "", copiedObjects: 1, bulk: true });

    const finished = await up(host, provider, partial, inputs);
    expect(finished.op).toBe("update");
    expect(finished.state!.outputs).toMatchObject({ complete: true, copiedObjects: 1, skippedObjects: 11, objectCount: 12, lastError: "" });
    expect(finished.state!.outputs.manifestDigest).toBe(manifestDigest(await listAll(dest)));
  }, 60_000);
});
