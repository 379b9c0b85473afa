// A destination that verifies MD5s itself (a local directory) is not hashed a second time by the
// engine; it must then report what it stored, and a mismatch is still caught and explained.
import * as crypto from "crypto";
import * as fsp from "fs/promises";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { sync } from "../../components/transfer";
import { LocalDirectoryStore } from "../../components/transfer/local-store";
import type { ObjectInfo, PutOptions, PutResult } from "../../components/transfer/store";
import type { Readable } from "stream";

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "verified-dest-"));
  dirs.push(dir);
  return dir;
}

describe("destinations that verify MD5s themselves", () => {
  afterAll(async () => Promise.all(dirs.map((d) => fsp.rm(d, { recursive: true, force: true }))));

  it("copies into a local directory with every file verified once, by the directory", async () => {
    const src = await tempDir();
    const body = crypto.randomBytes(300_000);
    await fsp.writeFile(path.join(src, "a.bin"), body);
    await new LocalDirectoryStore(src).computeMd5("a.bin"); // listed MD5 known: the streamed path
    const destination = new LocalDirectoryStore(await tempDir());
    expect(destination.verifiesContentMd5).toBe(true);
    const result = await sync(new LocalDirectoryStore(src), destination);
    expect(result.copiedObjects).toBe(1);
    expect((await destination.head("a.bin"))!.md5).toBe(crypto.createHash("md5").update(body).digest("hex"));
  });

  it("streams an object above the multipart threshold in one verified put (no parts to hash)", async () => {
    const src = await tempDir();
    const body = crypto.randomBytes(3 * 1024 * 1024);
    await fsp.writeFile(path.join(src, "big.bin"), body);
    await new LocalDirectoryStore(src).computeMd5("big.bin");
    const destination = new LocalDirectoryStore(await tempDir());
    let partsCreated = 0;
    const create = destination.multipart.create.bind(destination.multipart);
    destination.multipart.create = async (key, metadata) => {
      partsCreated += 1;
      return create(key, metadata);
    };
    const result = await sync(new LocalDirectoryStore(src), destination, { multipartThreshold: 1024 * 1024, partSize: 1024 * 1024 });
    expect(result.copiedBytes).toBe(body.length);
    expect(partsCreated).toBe(0);
    expect((await destination.head("big.bin"))!.md5).toBe(crypto.createHash("md5").update(body).digest("hex"));
  });

  it("refuses a destination that claims to verify but reports no MD5", async () => {
    class Forgetful extends LocalDirectoryStore {
      async put(key: string, stream: Readable, opts: PutOptions): Promise<PutResult> {
        const { etag } = await super.put(key, stream, opts);
        return { etag };
      }
    }
    const src = await tempDir();
    await fsp.writeFile(path.join(src, "b.bin"), "some bytes");
    await new LocalDirectoryStore(src).computeMd5("b.bin");
    const err = await sync(new LocalDirectoryStore(src), new Forgetful(await tempDir()), { retry: { attempts: 1 } }).catch((e) => e);
    expect(err.message).toContain("should report the MD5 of what it stored but reported none");
  });

  it("explains a listed MD5 that is not the content's, from the destination's own check", async () => {
    class LyingSource extends LocalDirectoryStore {
      async *list(): AsyncIterable<ObjectInfo> {
        for await (const info of super.list()) yield { ...info, md5: "0".repeat(32), checksum: "0".repeat(32) };
      }
    }
    const src = await tempDir();
    await fsp.writeFile(path.join(src, "c.bin"), "content");
    const err = await sync(new LyingSource(src), new LocalDirectoryStore(await tempDir()), { retry: { attempts: 1 } }).catch((e) => e);
    expect(err.message).toContain("its bytes have MD5 9a0364b9e99bb480dd25e1f0284c8555 but the source lists 00000000000000000000000000000000");
  });
});
