import * as crypto from "crypto";
import * as fsp from "fs/promises";
import * as os from "os";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalDirectoryStore, SyncError, manifestDigest, sync, type ObjectInfo, type ObjectStore } from "../../components/transfer";
import { choosePartSize } from "../../components/transfer/copy";
import { multipartChecksum } from "../../components/transfer/store";
import { ociMultipartToCanonical } from "../../components/transfer/oci-store";

// Multipart ETags are not MD5s. s3rver answers plain MD5s even for multipart objects, so the
// AWS behaviour ("hex(md5 of part MD5s)-N") is simulated here around a local directory.
const MiB = 1024 * 1024;

/** A destination that commits multipart uploads the way AWS S3 reports them. */
function awsLike(inner: LocalDirectoryStore, tamper = false): ObjectStore {
  const multipart = Object.create(inner.multipart) as LocalDirectoryStore["multipart"];
  const store = Object.create(inner, { multipart: { value: multipart } }) as LocalDirectoryStore;
  multipart.complete = async (key, uploadId, parts, opts) => {
    await inner.multipart.complete(key, uploadId, parts, opts);
    const etag = multipartChecksum(parts.map((p) => p.md5));
    return { etag, checksum: tamper ? etag.replace(/^./, (c) => (c === "0" ? "1" : "0")) : etag };
  };
  return store;
}

/** A source whose listing carries AWS multipart ETags: no MD5, checksum "hex-N". */
function awsMultipartSource(inner: LocalDirectoryStore, multipartKeys: Set<string>): ObjectStore {
  const store = Object.create(inner) as LocalDirectoryStore;
  store.list = async function* () {
    for await (const info of inner.list()) {
      if (!multipartKeys.has(info.key)) yield info;
      else yield { ...info, md5: undefined, checksum: `${"ab".repeat(16)}-3`, etag: `${"ab".repeat(16)}-3` } as ObjectInfo;
    }
  };
  // The fake ETag is not the local file's: reads cannot be conditional on it.
  store.get = (key, range) => inner.get(key, range);
  return store;
}

describe("checksum handling", () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await fsp.mkdtemp(path.join(os.tmpdir(), "checksums-"));
    await fsp.mkdir(path.join(tmp, "src"), { recursive: true });
    await fsp.writeFile(path.join(tmp, "src", "big.bin"), crypto.randomBytes(7 * MiB + 11));
    await fsp.writeFile(path.join(tmp, "src", "small.bin"), crypto.randomBytes(1000));
  });
  afterAll(() => fsp.rm(tmp, { recursive: true, force: true }));

  it("canonical forms: OCI's base64 multipart MD5 and AWS's hex form agree", () => {
    const parts = ["0cc175b9c0f1b6a831c399e269772661", "92eb5ffee6ae2fec3ad71c777531578f"];
    const canonical = multipartChecksum(parts);
    const b64 = `${Buffer.from(canonical.split("-")[0], "hex").toString("base64")}-2`;
    expect(ociMultipartToCanonical(b64)).toBe(canonical);
    expect(canonical).toBe(`${crypto.createHash("md5").update(Buffer.concat(parts.map((p) => Buffer.from(p, "hex")))).digest("hex")}-2`);
  });

  it("part size grows to stay within the part limit", () => {
    expect(choosePartSize(100 * MiB, 16 * MiB, { minPartSize: 5 * MiB, maxPartSize: 5 * 1024 * MiB, maxParts: 10_000 })).toBe(16 * MiB);
    expect(choosePartSize(1024 * 1024 * MiB, 16 * MiB, { minPartSize: 5 * MiB, maxPartSize: 5 * 1024 * MiB, maxParts: 10_000 })).toBe(105 * MiB);
    expect(choosePartSize(10 * MiB, 1 * MiB, { minPartSize: 5 * MiB, maxPartSize: 5 * 1024 * MiB, maxParts: 10_000 })).toBe(5 * MiB);
  });

  it("accepts an AWS-style committed multipart ETag and records the digest with it", async () => {
    const dest = new LocalDirectoryStore(path.join(tmp, "dst-aws"));
    const result = await sync(new LocalDirectoryStore(path.join(tmp, "src")), awsLike(dest), { multipartThreshold: 5 * MiB, partSize: 5 * MiB });
    expect(result.copiedObjects).toBe(2);
    expect(result.manifestDigest).not.toBe(manifestDigest([]));
  });

  it("refuses a committed checksum that does not match the parts sent, aborting the upload", async () => {
    const dest = new LocalDirectoryStore(path.join(tmp, "dst-bad"));
    const err = await sync(new LocalDirectoryStore(path.join(tmp, "src")), awsLike(dest, true), { multipartThreshold: 5 * MiB, partSize: 5 * MiB, retry: { attempts: 1 } }).catch((e) => e);
    expect(err).toBeInstanceOf(SyncError);
    expect((err as SyncError).result.failed.map((f) => f.key)).toEqual(["big.bin"]);
    expect((err as SyncError).message).toMatch(/committed checksum .* expected/);
    // Committed but unverified, with the recorded source identity on it: deleted, or a rerun would skip it.
    expect((err as SyncError).message).toContain(`The unverified "big.bin" was deleted from ${dest.description}.`);
    expect(await dest.head("big.bin")).toBeUndefined();
  });

  it("a source with a multipart ETag (no MD5) is hashed while copied, and skipped next time by its recorded identity", async () => {
    const srcDir = path.join(tmp, "src");
    const dest = new LocalDirectoryStore(path.join(tmp, "dst-mp-src"));
    const source = awsMultipartSource(new LocalDirectoryStore(srcDir), new Set(["big.bin", "small.bin"]));
    const first = await sync(source, dest, { multipartThreshold: 5 * MiB, partSize: 5 * MiB });
    expect(first.copiedObjects).toBe(2);
    // Buffer.equals: toEqual walks 7 MiB byte by byte (25 s).
    expect((await fsp.readFile(path.join(tmp, "dst-mp-src", "big.bin"))).equals(await fsp.readFile(path.join(srcDir, "big.bin")))).toBe(true);
    const head = await dest.head("small.bin");
    expect(head?.metadata["tundra-source-etag"]).toBe(`${"ab".repeat(16)}-3`);
    expect(head?.metadata["tundra-content-md5"]).toBeUndefined(); // never pretend a multipart ETag is an MD5
    const second = await sync(source, dest, { multipartThreshold: 5 * MiB, partSize: 5 * MiB });
    expect(second.copiedObjects).toBe(0);
  });

  it("a listed MD5 that is not the content's fails loudly with the source store's own reason, not retried forever", async () => {
    const inner = new LocalDirectoryStore(path.join(tmp, "src"));
    const lying = Object.create(inner) as LocalDirectoryStore;
    lying.list = async function* () {
      for await (const info of inner.list()) yield info.key === "small.bin" ? { ...info, md5: "0".repeat(32), checksum: "0".repeat(32) } : info;
    };
    const err = await sync(lying, new LocalDirectoryStore(path.join(tmp, "dst-lying")), { retry: { attempts: 5, baseDelayMs: 1 } }).catch((e) => e);
    expect(err).toBeInstanceOf(SyncError);
    // The hint is the source's (a local directory: its recorded MD5 is stale), never S3's SSE-KMS one.
    expect((err as SyncError).result.failed[0].error).toContain(`The MD5 recorded under ${path.join(tmp, "src", ".tundra-meta")} is stale`);
    expect((err as SyncError).result.failed[0].error).not.toContain("SSE-KMS");
  });
});
