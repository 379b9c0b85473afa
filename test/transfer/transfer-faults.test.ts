import * as crypto from "crypto";
import * as path from "path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Readable } from "stream";
import { isTransient, LocalDirectoryStore, SyncError, sync, type ObjectStore, type SyncEvent } from "../../components/transfer";
import { isDigestRejection } from "../../components/transfer/retry";
import { OciStore } from "../../components/transfer/oci-store";
import { S3Store } from "../../components/transfer/s3-store";
import { hashAll } from "../support/store-helpers";
import { startTransferRig, type TransferRig } from "../support/transfer-rig";

// Under injected faults a run either completes with every object verified and no multipart upload
// left open, or fails naming what failed. Never a silent loss.
const MiB = 1024 * 1024;
const fastRetry = { attempts: 12, baseDelayMs: 10, maxDelayMs: 200 };
const engine = { multipartThreshold: 8 * MiB, partSize: 5 * MiB, concurrency: 8, retry: fastRetry };

describe("transfer engine under injected faults (S3 proxy and OCI server)", () => {
  let rig: TransferRig | undefined;
  let { tmp, corpus, s3, oci } = {} as TransferRig; // the rig's parts, set in beforeAll
  let source: S3Store;
  let bucketNo = 0;

  function freshDestination(): OciStore {
    bucketNo += 1;
    oci.createBucket(`b${bucketNo}`);
    return rig!.ociStore({ bucket: `b${bucketNo}`, namespace: "testns", listPageSize: 20 });
  }

  beforeAll(async () => {
    ({ tmp, corpus, s3, oci } = rig = await startTransferRig({
      name: "transfer-faults", corpus: { small: 50, large: [11 * MiB, 16 * MiB + 3] }, s3: { buckets: ["source"], withFaultProxy: true },
    }));
    source = new S3Store({ ...s3.clientOptions, bucket: "source", listPageSize: 20 });
    await sync(new LocalDirectoryStore(path.join(tmp, "corpus")), source, engine);
  });
  beforeEach(() => {
    s3.faults.configure({});
    oci.faults.configure({});
  });
  afterAll(() => rig?.close());

  it("completes with every object verified through 429/503, resets, truncated bodies and slow answers on both sides", async () => {
    const mix = { throttle: 0.04, unavailable: 0.04, reset: 0.04, truncate: 0.04, slow: 0.05, slowMs: 30 };
    s3.faults.configure({ ...mix, seed: 7 });
    oci.faults.configure({ ...mix, seed: 11 });
    const dest = freshDestination();
    const events: SyncEvent[] = [];
    const result = await sync(source, dest, { ...engine, onEvent: (e) => events.push(e) });
    s3.faults.configure({});
    oci.faults.configure({});
    expect(result.failed).toEqual([]);
    expect(result.copiedObjects).toBe(corpus.size);
    expect(s3.faults.total() + oci.faults.total()).toBeGreaterThan(10);
    expect(oci.faults.counts.reset + oci.faults.counts.truncate).toBeGreaterThan(0);
    expect(s3.faults.counts.reset + s3.faults.counts.truncate).toBeGreaterThan(0);
    expect(events.filter((e) => e.type === "retry").length).toBeGreaterThan(0);
    expect(await hashAll(dest)).toEqual(corpus);
    expect(oci.openUploads()).toEqual([]);
  });

  it("an object that keeps failing fails the run by name, its multipart upload is aborted, the others are copied", async () => {
    // Every data upload of one large object fails; everything else (abort included) works.
    oci.faults.configure({ unavailable: 1, applies: (req) => req.method === "PUT" && decodeURIComponent(req.url ?? "").includes("large/object-1.bin") });
    const dest = freshDestination();
    const err = await sync(source, dest, { ...engine, retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 } }).catch((e) => e);
    expect(err).toBeInstanceOf(SyncError);
    const failure = err as SyncError;
    expect(failure.result.failed.map((f) => f.key)).toEqual(["large/object-1.bin"]);
    expect(failure.message).toContain("large/object-1.bin");
    expect(failure.result.copiedObjects).toBe(corpus.size - 1);
    expect(failure.result.manifestDigest).toBeUndefined();
    expect(oci.openUploads()).toEqual([]);
    expect(await dest.head("large/object-1.bin")).toBeUndefined();

    // Faults gone: the next run copies only the missing object.
    oci.faults.configure({});
    const resumed = await sync(source, dest, engine);
    expect(resumed.copiedObjects).toBe(1);
    expect(resumed.skippedObjects).toBe(corpus.size - 1);
    expect(await hashAll(dest)).toEqual(corpus);
  });

  it("an aborted run (signal) leaves nothing half-copied, and the next run copies only what is missing", async () => {
    const dest = freshDestination();
    const controller = new AbortController();
    const copiedFirst: string[] = [];
    const err = await sync(source, dest, {
      ...engine,
      concurrency: 2,
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === "copied") {
          copiedFirst.push(e.key);
          if (copiedFirst.length === 20) controller.abort(new Error("operator abort"));
        }
      },
    }).catch((e) => e);
    expect(err).toBeInstanceOf(SyncError);
    expect(copiedFirst.length).toBeGreaterThanOrEqual(20);
    expect(copiedFirst.length).toBeLessThan(corpus.size);
    expect(oci.openUploads()).toEqual([]);
    const putsBefore = oci.requests.length;
    const resumed = await sync(source, dest, engine);
    expect(resumed.copiedObjects).toBe(corpus.size - copiedFirst.length);
    // No verified object was written again.
    const rewritten = oci.requests.slice(putsBefore).filter((r) => r.method === "PUT" && copiedFirst.some((k) => decodeURIComponent(r.url).includes(`/o/${k}`)));
    expect(rewritten).toEqual([]);
    expect(await hashAll(dest)).toEqual(corpus);
  });

  it("OCI -> local (hydration's path, bodies over node:http): through 429/503, resets, truncated and slow answers every file arrives verified", async () => {
    const bucket = freshDestination();
    await sync(new LocalDirectoryStore(path.join(tmp, "corpus")), bucket, engine);
    const local = new LocalDirectoryStore(path.join(tmp, `from-oci-${bucketNo}`));
    const faultedBefore = { ...oci.faults.counts };
    oci.faults.configure({ throttle: 0.05, unavailable: 0.05, reset: 0.06, truncate: 0.06, slow: 0.05, slowMs: 30, seed: 5, applies: (req) => req.method === "GET" && /\/o\//.test(req.url ?? "") });
    const result = await sync(bucket, local, engine);
    oci.faults.configure({});
    expect(result.failed).toEqual([]);
    expect(result.copiedObjects).toBe(corpus.size);
    // Every kind of fault met a download at least once.
    for (const kind of ["throttle", "unavailable", "reset", "truncate"] as const) expect(oci.faults.counts[kind]).toBeGreaterThan(faultedBefore[kind]);
    expect(await hashAll(local)).toEqual(corpus);
  });

  it("a GetObject refused by the service is the SDK's OciError with its status and code (what retries and 404 handling read)", async () => {
    const bucket = freshDestination();
    const err = await bucket.get("no/such/object").catch((e) => e);
    expect(err).toMatchObject({ statusCode: 404, serviceCode: "ObjectNotFound" });
    expect(String(err.message)).toContain("no/such/object");
    oci.faults.configure({ unavailable: 1 });
    const unavailable = await bucket.get("no/such/object").catch((e) => e);
    oci.faults.configure({});
    expect(unavailable).toMatchObject({ statusCode: 503 });
    expect(isTransient(unavailable)).toBe(true);
    expect(isTransient(err)).toBe(false);
  });

  it("PutObject and UploadPart over node:http: a wrong Content-MD5 is the service's 400 (a digest rejection), a body that breaks stores nothing", async () => {
    const bucket = freshDestination();
    const data = crypto.randomBytes(100_000);
    const wrongMd5 = crypto.createHash("md5").update("something else").digest("hex");
    const put = await bucket.put("wrong-md5", Readable.from([data]), { size: data.length, md5: wrongMd5 }).catch((e) => e);
    expect(put).toMatchObject({ statusCode: 400, serviceCode: "UnmatchedContentMD5" });
    expect(isDigestRejection(put)).toBe(true);
    expect(await bucket.head("wrong-md5")).toBeUndefined();

    const uploadId = await bucket.multipart.create("parts", {});
    const part = await bucket.multipart.uploadPart("parts", uploadId, 1, Readable.from([data]), { size: data.length, md5: wrongMd5, offset: 0 }).catch((e) => e);
    expect(part).toMatchObject({ statusCode: 400, serviceCode: "UnmatchedContentMD5" });
    await bucket.multipart.abort("parts", uploadId);

    const breaking = Readable.from((function* () {
      yield data.subarray(0, 50_000);
      throw new Error("source connection reset");
    })());
    const md5 = crypto.createHash("md5").update(data).digest("hex");
    await expect(bucket.put("broken", breaking, { size: data.length, md5 })).rejects.toThrow("source connection reset");
    expect(await bucket.head("broken")).toBeUndefined();

    // And a good one, with metadata, answers the stored MD5 and keeps the metadata.
    const good = await bucket.put("good", Readable.from([data]), { size: data.length, md5, metadata: { "tundra-source-etag": "abc" } });
    expect(good.md5).toBe(md5);
    expect((await bucket.head("good"))?.metadata).toMatchObject({ "tundra-source-etag": "abc" });
  });
});
