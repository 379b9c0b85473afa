import * as crypto from "crypto";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalDirectoryStore, manifestDigest, sync, type ObjectInfo, type ObjectStore } from "../../components/transfer";
import { OciStore } from "../../components/transfer/oci-store";
import { S3Store } from "../../components/transfer/s3-store";
import { AWKWARD_KEYS } from "../support/corpus";
import { hashAll, listAll } from "../support/store-helpers";
import { startTransferRig, type TransferRig } from "../support/transfer-rig";

// The whole path the migration takes: local corpus -> S3 (s3rver) -> OCI (test server, real SDK)
// -> local again, plus S3 -> S3. Every object is read back and hashed.
const MiB = 1024 * 1024;
const engine = { multipartThreshold: 8 * MiB, partSize: 5 * MiB, concurrency: 8 };

describe("transfer engine across S3, OCI and local stores", () => {
  let rig: TransferRig | undefined;
  let { tmp, corpus, s3, oci } = {} as TransferRig; // the rig's parts, set in beforeAll
  let source: S3Store;
  let ociDest: OciStore;

  beforeAll(async () => {
    ({ tmp, corpus, s3, oci } = rig = await startTransferRig({
      name: "transfer-stores", corpus: { small: 60, large: [12 * MiB + 7, 9 * MiB] }, s3: { buckets: ["source", "copy"] }, ociBuckets: ["tenant"],
    }));
    source = new S3Store({ ...s3.clientOptions, bucket: "source", prefix: "tenant-a/", listPageSize: 25 });
    ociDest = rig.ociStore({ bucket: "tenant", prefix: "data", listPageSize: 25 });
  });
  afterAll(() => rig?.close());

  it("local -> S3: every object arrives byte-identical, awkward keys included", async () => {
    const result = await sync(new LocalDirectoryStore(path.join(tmp, "corpus")), source, engine);
    expect(result.copiedObjects).toBe(corpus.size);
    expect(await hashAll(source)).toEqual(corpus);
    const keys = (await listAll(source)).map((o) => o.key);
    for (const key of AWKWARD_KEYS) expect(keys).toContain(key);
  });

  it("S3 -> OCI: byte-identical, multipart for the large objects, no upload left open, digest matches a fresh listing", async () => {
    const result = await sync(source, ociDest, engine);
    expect(result.failed).toEqual([]);
    expect(result.copiedObjects).toBe(corpus.size);
    expect(await hashAll(ociDest)).toEqual(corpus);
    expect(oci.openUploads()).toEqual([]);
    const listing = await listAll(ociDest);
    const large = listing.find((o) => o.key === "large/object-0.bin")!;
    expect(large.md5).toBeUndefined(); // committed as multipart: OCI has no content MD5 for it
    expect(large.checksum).toMatch(/^[0-9a-f]{32}-3$/);
    expect(result.manifestDigest).toBe(manifestDigest(listing));
    // Keys outside the prefix are not touched and not listed.
    expect(oci.objectNames("tenant").every((n) => n.startsWith("data/"))).toBe(true);
  });

  it("S3 -> OCI again: nothing copied, multipart objects skipped by their recorded source identity", async () => {
    const result = await sync(source, ociDest, engine);
    expect(result.copiedObjects).toBe(0);
    expect(result.copiedBytes).toBe(0);
    expect(result.skippedObjects).toBe(corpus.size);
    const putsBefore = oci.requests.filter((r) => r.method === "PUT").length;
    await sync(source, ociDest, engine);
    expect(oci.requests.filter((r) => r.method === "PUT").length).toBe(putsBefore);
  });

  it("OCI -> local (what hydration does) and S3 -> S3 both arrive byte-identical", async () => {
    const local = new LocalDirectoryStore(path.join(tmp, "hydrated"));
    const hydrated = await sync(ociDest, local, engine);
    expect(hydrated.copiedObjects).toBe(corpus.size);
    expect(await hashAll(local)).toEqual(corpus);
    const again = await sync(ociDest, local, engine);
    expect(again.copiedObjects).toBe(0);

    const copy = new S3Store({ ...s3.clientOptions, bucket: "copy" });
    const s3s3 = await sync(source, copy, engine);
    expect(s3s3.copiedObjects).toBe(corpus.size);
    expect(await hashAll(copy)).toEqual(corpus);
  });

  it("an object changed at the source is copied again; an extraneous one is deleted only when asked", async () => {
    const changed = Buffer.from("new content for an awkward key");
    await source.put("amp&ersand.txt", (await import("stream")).Readable.from([changed]), { size: changed.length, md5: crypto.createHash("md5").update(changed).digest("hex") });
    const extra = Buffer.from("extra");
    await ociDest.put("stale/extra.bin", (await import("stream")).Readable.from([extra]), { size: extra.length, md5: crypto.createHash("md5").update(extra).digest("hex") });
    const first = await sync(source, ociDest, engine);
    expect(first.copiedObjects).toBe(1);
    expect(first.extraneousObjects).toBe(1);
    expect(await ociDest.head("stale/extra.bin")).toBeDefined();
    const second = await sync(source, ociDest, { ...engine, deleteExtraneous: true });
    expect(second.deletedObjects).toBe(1);
    expect(await ociDest.head("stale/extra.bin")).toBeUndefined();
  });
});
