// Multipart sources (no content MD5): the engine records the part size it uploads with, reads such
// objects back in that layout by parallel ranges, and proves the bytes against the source's
// multipart checksum before it commits. Judged by the real oci-objectstorage client.
import * as crypto from "crypto";
import * as fsp from "fs/promises";
import * as os from "os";
import * as path from "path";
import { PassThrough, type Readable } from "stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalDirectoryStore, SyncError, sync, type ObjectStore } from "../../components/transfer";
import { OciStore } from "../../components/transfer/oci-store";
import { makeOciTestAuth } from "../support/oci-signature";
import { OciObjectStorageServer } from "../support/oci-objectstorage-server";

const MiB = 1024 * 1024;
const SIZE = 12 * MiB + 7;

/** A source whose ranged reads of bytes >= `from` come back with one byte flipped. */
function corruptingRanges(inner: OciStore, from: number): ObjectStore {
  const store = Object.create(inner) as OciStore;
  store.get = async (key, range, opts) => {
    const body = await inner.get(key, range, opts);
    if (!range || range.start < from) return body;
    const out = new PassThrough();
    let first = true;
    body.on("data", (chunk: Buffer) => {
      if (first) {
        first = false;
        chunk = Buffer.from(chunk);
        chunk[0] ^= 0xff;
      }
      out.write(chunk);
    });
    body.on("end", () => out.end());
    body.on("error", (err) => out.destroy(err));
    return out as Readable;
  };
  return store;
}

describe("multipart layout", () => {
  const auth = makeOciTestAuth();
  let tmp: string;
  let oci: OciObjectStorageServer;
  let bucket: (prefix: string) => OciStore;
  let data: Buffer;

  beforeAll(async () => {
    tmp = await fsp.mkdtemp(path.join(os.tmpdir(), "mp-layout-"));
    oci = new OciObjectStorageServer({ buckets: ["tenant"], publicKeys: new Map([[auth.keyId, auth.publicKey]]) });
    await oci.start();
    bucket = (prefix) => new OciStore({ bucket: "tenant", prefix, namespace: "testns", endpoint: oci.endpoint, auth: { kind: "provider", provider: auth.provider } });
    data = crypto.randomBytes(SIZE);
    await fsp.mkdir(path.join(tmp, "src"));
    await fsp.writeFile(path.join(tmp, "src", "segment.bin"), data);
    // A local file has no known MD5: above one part it goes up multipart, 5 MiB parts.
    await sync(new LocalDirectoryStore(path.join(tmp, "src")), bucket("data"), { partSize: 5 * MiB });
  });
  afterAll(async () => {
    await oci.close();
    await fsp.rm(tmp, { recursive: true, force: true });
  });

  it("records the part size on the multipart object it uploads", async () => {
    const head = await bucket("data").head("segment.bin");
    expect(head?.md5).toBeUndefined();
    expect(head?.checksum).toMatch(/^[0-9a-f]{32}-3$/);
    expect(head?.metadata["tundra-part-size"]).toBe(String(5 * MiB));
    expect(await bucket("data").partSizeOf("segment.bin")).toBe(5 * MiB);
  });

  it("reads it back in the same layout into a local directory, whatever its own part size, and the checksum matches", async () => {
    const local = new LocalDirectoryStore(path.join(tmp, "node"));
    const result = await sync(bucket("data"), local, { partSize: 16 * MiB });
    expect(result.copiedObjects).toBe(1);
    expect((await fsp.readFile(path.join(tmp, "node", "segment.bin"))).equals(data)).toBe(true);
    const [listed] = await collect(local);
    expect(listed.checksum).toBe((await bucket("data").head("segment.bin"))?.checksum);
    const again = await sync(bucket("data"), local, {});
    expect(again.copiedObjects).toBe(0);
    expect(again.plan.skipObjects).toBe(1);
  });

  it("OCI -> OCI keeps the layout, so the copy's checksum equals the source's and a re-run skips it without a HEAD", async () => {
    const first = await sync(bucket("data"), bucket("copy"), {});
    expect(first.copiedObjects).toBe(1);
    expect((await bucket("copy").head("segment.bin"))?.checksum).toBe((await bucket("data").head("segment.bin"))?.checksum);
    const dest = bucket("copy");
    let heads = 0;
    const counting = Object.create(dest) as OciStore;
    counting.head = (key) => {
      heads += 1;
      return dest.head(key);
    };
    const second = await sync(bucket("data"), counting, {});
    expect(second.copiedObjects).toBe(0);
    expect(heads).toBe(0);
  });

  for (const [name, destination] of [
    ["a local directory", () => new LocalDirectoryStore(path.join(tmp, "bad-node"))],
    ["an OCI bucket", () => bucket("bad-copy")],
  ] as const) {
    it(`bytes that do not reproduce the source's multipart checksum are refused before the commit (${name})`, async () => {
      const dest = destination();
      const err = await sync(corruptingRanges(bucket("data"), 5 * MiB), dest, { retry: { attempts: 1 } }).catch((e) => e);
      expect(err).toBeInstanceOf(SyncError);
      expect((err as SyncError).message).toMatch(/segment\.bin: the parts read hash to [0-9a-f]{32}-3, the source lists [0-9a-f]{32}-3/);
      expect(await dest.head("segment.bin")).toBeUndefined();
      const open: string[] = [];
      for await (const u of dest.multipart.listOpen()) open.push(u.uploadId);
      expect(open).toEqual([]);
    });
  }
});

async function collect(store: ObjectStore) {
  const out = [];
  for await (const info of store.list()) out.push(info);
  return out;
}
