// What the engine must refuse rather than take for success (issue 15, data integrity): a listing
// without sizes or with a key twice (emulators such as cameritelabs/oci-emulator list no sizes),
// a destination that does not report the MD5 of what it stored, and hints that name the store at
// fault. Each store kind is driven through its real client: OCI on the test server (with the
// emulator's defects turned on), S3 against a minimal ListObjectsV2 answer, local directories.
import { spawn } from "child_process";
import * as crypto from "crypto";
import * as fsp from "fs/promises";
import * as http from "http";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { Readable } from "stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ListingError, LocalDirectoryStore, plan, sync, SyncError, type ObjectInfo } from "../../components/transfer";
import { OciStore } from "../../components/transfer/oci-store";
import { S3Store } from "../../components/transfer/s3-store";
import { makeOciTestAuth } from "../support/oci-signature";
import { OciObjectStorageServer } from "../support/oci-objectstorage-server";
import { writeOciConfigFile } from "../support/store-helpers";

const root = path.resolve(__dirname, "../..");
const auth = makeOciTestAuth();
const noRetry = { retry: { attempts: 1 } };

function md5(data: Buffer): string {
  return crypto.createHash("md5").update(data).digest("hex");
}

async function putBytes(store: OciStore, key: string, data: Buffer): Promise<void> {
  await store.put(key, Readable.from([data]), { size: data.length, md5: md5(data) });
}

/** Files under a directory, the engine's sidecars left out. */
async function filesIn(dir: string): Promise<string[]> {
  const entries = await fsp.readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && !path.join(e.parentPath, e.name).includes(".tundra-meta")).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
}

/**
 * An S3 endpoint answering ListObjectsV2 with one object (without <Size> unless `body` is given)
 * and GetObject with `body`: enough for S3Store as a source, through the real AWS SDK.
 */
async function withS3Answering(object: { key: string; etag: string; body?: Buffer }, run: (s3: S3Store) => Promise<void>): Promise<void> {
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith(`/bucket/${object.key}`) && object.body) {
      res.setHeader("etag", `"${object.etag}"`);
      res.setHeader("content-length", String(object.body.length));
      res.end(object.body);
      return;
    }
    const size = object.body ? `<Size>${object.body.length}</Size>` : "";
    res.setHeader("content-type", "application/xml");
    res.end(
      '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
        "<Name>bucket</Name><Prefix></Prefix><KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>" +
        `<Contents><Key>${object.key}</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>"${object.etag}"</ETag>${size}<StorageClass>STANDARD</StorageClass></Contents>` +
        "</ListBucketResult>",
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    await run(new S3Store({
      bucket: "bucket", region: "us-east-1", forcePathStyle: true, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    }));
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

describe("listings and destinations the engine must refuse", () => {
  let server: OciObjectStorageServer;
  let tmp: string;
  let configFile: string;
  const oci = (bucket: string) => new OciStore({ bucket, namespace: server.namespace, endpoint: server.endpoint, auth: { kind: "provider", provider: auth.provider }, listPageSize: 2 });
  const objectPuts = (bucket: string) => server.requests.filter((r) => r.method === "PUT" && r.url.includes(`/b/${bucket}/o/`)).length;

  beforeAll(async () => {
    server = new OciObjectStorageServer({ buckets: ["src", "dst", "cli-dst"], publicKeys: new Map([[auth.keyId, auth.publicKey]]) });
    await server.start();
    tmp = await fsp.mkdtemp(path.join(os.tmpdir(), "transfer-integrity-"));
    configFile = await writeOciConfigFile(tmp, auth);
    const src = oci("src");
    for (const [key, text] of [["a.txt", "alpha"], ["b/c.txt", "gamma gamma"], ["d.txt", "delta!"], ["e.txt", "epsilon"], ["f.txt", "phi"]]) await putBytes(src, key, Buffer.from(text));
    await fsp.mkdir(path.join(tmp, "local-src", "dir"), { recursive: true });
    for (let i = 0; i < 12; i++) await fsp.writeFile(path.join(tmp, "local-src", "dir", `object-${String(i).padStart(2, "0")}.bin`), crypto.randomBytes(1000 + i * 100));
  });
  afterAll(async () => {
    await server?.close();
    if (tmp) await fsp.rm(tmp, { recursive: true, force: true });
  });
  beforeEach(() => {
    server.quirks = {};
  });

  describe("a listing entry without a size is an error naming the store and the key", () => {
    it("OCI: an endpoint listing no sizes (as oci-emulator does) fails the plan; nothing is written", async () => {
      server.quirks = { listWithoutSize: true, listWithoutMd5: true };
      const dest = path.join(tmp, "from-sizeless-oci");
      const err = await sync(oci("src"), new LocalDirectoryStore(dest), noRetry).catch((e) => e);
      expect(err).toBeInstanceOf(ListingError);
      expect(err.message).toContain(`oci://${server.namespace}/src/ listed "a.txt" without a size`);
      expect(err.message).toContain("cameritelabs/oci-emulator lists no sizes");
      expect(err.message).not.toContain("SSE-KMS");
      expect(await filesIn(dest)).toEqual([]);
      // The plan (--dry-run) refuses it too, rather than printing 0 bytes to copy.
      await expect(plan(oci("src"), new LocalDirectoryStore(dest), noRetry)).rejects.toThrow(/listed "a.txt" without a size/);
    });

    it("S3: a ListObjectsV2 answer without <Size> fails with the S3 store named", async () => {
      await withS3Answering({ key: "tenant/x.bin", etag: "0cc175b9c0f1b6a831c399e269772661" }, async (s3) => {
        const err = await sync(s3, new LocalDirectoryStore(path.join(tmp, "from-sizeless-s3")), noRetry).catch((e) => e);
        expect(err).toBeInstanceOf(ListingError);
        expect(err.message).toContain('s3://bucket/ listed "tenant/x.bin" without a size');
        expect(err.message).toContain("S3 ListObjectsV2 gives every object's Size");
      });
    });
  });

  describe("a key listed twice is an error naming the store and the key", () => {
    it("OCI: a paginator that starts the next page at the last name listed repeats it", async () => {
      server.quirks = { nextStartWithLastListed: true };
      const err = await sync(oci("src"), new LocalDirectoryStore(path.join(tmp, "from-repeating-oci")), noRetry).catch((e) => e);
      expect(err).toBeInstanceOf(ListingError);
      expect(err.message).toContain(`oci://${server.namespace}/src/ listed "b/c.txt" twice`);
      expect(err.message).toContain("OCI Object Storage lists each name once");
    });

    it("local: a directory listing that yields a file twice", async () => {
      class Repeating extends LocalDirectoryStore {
        protected async *listedFiles(): AsyncIterable<ObjectInfo> {
          for await (const info of super.listedFiles()) {
            yield info;
            if (info.key === "dir/object-03.bin") yield info;
          }
        }
      }
      const source = new Repeating(path.join(tmp, "local-src"));
      const dest = path.join(tmp, "from-repeating-local");
      const err = await sync(source, new LocalDirectoryStore(dest), noRetry).catch((e) => e);
      expect(err).toBeInstanceOf(ListingError);
      expect(err.message).toBe(`${source.description} listed "dir/object-03.bin" twice: a listing that repeats or skips keys cannot be trusted.`);
      expect(await filesIn(dest)).toEqual([]);
    });
  });

  describe("a destination that does not report the MD5 of what it stored stops the run after one object", () => {
    it("OCI: PutObject answered without opc-content-md5: one object put, deleted again, one error naming the OCI store", async () => {
      server.quirks = { putWithoutMd5: true };
      const before = objectPuts("dst");
      const source = new LocalDirectoryStore(path.join(tmp, "local-src"));
      const err = await sync(source, oci("dst"), { ...noRetry, concurrency: 8 }).catch((e) => e);
      expect(err).toBeInstanceOf(SyncError);
      expect(objectPuts("dst") - before).toBe(1);
      const result = (err as SyncError).result;
      expect(result.copiedObjects).toBe(0);
      expect(result.failed.map((f) => f.key)).toEqual(["dir/object-00.bin"]); // the smallest goes first
      expect(err.message).toContain(`dir/object-00.bin: oci://${server.namespace}/dst/ should report the MD5 of what it stored but reported none.`);
      expect(err.message).toContain(`The unverified "dir/object-00.bin" was deleted from oci://${server.namespace}/dst/.`);
      expect(err.message).toContain("OCI Object Storage reports what it stored (opc-content-md5 on PutObject");
      expect(err.message).toContain("the rest not started");
      // The hint is the OCI store's, never the S3 one.
      expect(err.message).not.toContain("SSE-KMS");
      expect(server.objectNames("dst")).toEqual([]);
    });

    it("local: a store whose put reports no MD5: exactly one put, the file removed", async () => {
      let puts = 0;
      class Forgetful extends LocalDirectoryStore {
        async put(key: string, body: Readable, opts: Parameters<LocalDirectoryStore["put"]>[2]) {
          puts += 1;
          const { etag } = await super.put(key, body, opts);
          return { etag };
        }
      }
      const source = new LocalDirectoryStore(path.join(tmp, "local-src"));
      await source.computeMd5("dir/object-00.bin"); // a known MD5 takes the streamed path
      const destination = new Forgetful(path.join(tmp, "forgetful"));
      const err = await sync(source, destination, { ...noRetry, concurrency: 8 }).catch((e) => e);
      expect(err).toBeInstanceOf(SyncError);
      expect(puts).toBe(1);
      expect(err.message).toContain(`${destination.description} should report the MD5 of what it stored but reported none`);
      expect(await destination.head("dir/object-00.bin")).toBeUndefined();
      expect(await filesIn(path.join(tmp, "forgetful"))).toEqual([]);
    });
  });

  describe("hints name the store at fault", () => {
    it("an S3 source whose ETag is not the content's MD5 (as under SSE-KMS) gets S3's hint, the local destination none", async () => {
      const body = Buffer.from("hello");
      await withS3Answering({ key: "tenant/x.bin", etag: "0cc175b9c0f1b6a831c399e269772661", body }, async (s3) => {
        const dest = path.join(tmp, "from-sse-kms-s3");
        const err = await sync(s3, new LocalDirectoryStore(dest), noRetry).catch((e) => e);
        expect(err).toBeInstanceOf(SyncError);
        const error = (err as SyncError).result.failed[0].error;
        expect(error).toContain(`tenant/x.bin: its bytes have MD5 ${md5(body)} but the source lists 0cc175b9c0f1b6a831c399e269772661`);
        expect(error).toContain("An S3 bucket that encrypts with SSE-KMS or SSE-C has ETags that are not MD5s");
        expect(error).not.toContain(".tundra-meta");
        expect(await filesIn(dest)).toEqual([]);
      });
    });
  });

  describe("scripts/sync.ts exits non-zero with the message", () => {
    function runSync(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
      const child = spawn(process.execPath, [
        "--import", "tsx", path.join(root, "scripts", "sync.ts"), ...args,
        "--oci-auth", "api_key", "--oci-config", configFile, "--oci-endpoint", server.endpoint, "--no-progress",
      ], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stdout, stderr })));
    }

    it("a source listing without sizes", async () => {
      server.quirks = { listWithoutSize: true };
      const dest = path.join(tmp, "cli-from-sizeless");
      const r = await runSync(["--from", `oci://${server.namespace}/src`, "--to", dest]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`oci://${server.namespace}/src/ listed "a.txt" without a size`);
      expect(await filesIn(dest)).toEqual([]);
    }, 60_000);

    it("a destination that reports no MD5", async () => {
      server.quirks = { putWithoutMd5: true };
      const r = await runSync(["--from", path.join(tmp, "local-src"), "--to", `oci://${server.namespace}/cli-dst`]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`oci://${server.namespace}/cli-dst/ should report the MD5 of what it stored but reported none`);
      expect(r.stderr).toContain("the rest not started");
      expect(server.objectNames("cli-dst")).toEqual([]);
    }, 60_000);
  });
});
