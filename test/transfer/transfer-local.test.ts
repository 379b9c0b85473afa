import * as crypto from "crypto";
import * as fs from "fs";
import * as fsp from "fs/promises";
import * as os from "os";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalDirectoryStore, SOURCE_METADATA, SyncError, manifestDigest, plan, sync, type SyncEvent } from "../../components/transfer";

// Local directory -> local directory: the engine's decisions without any server in the way.
const MiB = 1024 * 1024;
const keys = ["a.txt", "dir/b c.bin", "dir/&+#%.bin", "ünï/κλειδί.txt", "empty", "big/object.bin"];

function content(key: string): Buffer {
  if (key === "empty") return Buffer.alloc(0);
  if (key.startsWith("big/")) return crypto.randomBytes(5 * MiB + 123);
  return Buffer.from(`content of ${key}\n`.repeat(100));
}

async function md5File(file: string): Promise<string> {
  return crypto.createHash("md5").update(await fsp.readFile(file)).digest("hex");
}

describe("transfer engine over local directories", () => {
  let tmp: string;
  let srcDir: string;
  let dstDir: string;

  beforeAll(async () => {
    tmp = await fsp.mkdtemp(path.join(os.tmpdir(), "transfer-local-"));
    srcDir = path.join(tmp, "src");
    dstDir = path.join(tmp, "dst");
    for (const key of keys) {
      const file = path.join(srcDir, ...key.split("/"));
      await fsp.mkdir(path.dirname(file), { recursive: true });
      await fsp.writeFile(file, content(key));
    }
  });
  afterAll(() => fsp.rm(tmp, { recursive: true, force: true }));

  it("copies everything byte-identically, multipart above the threshold, and records the source identity", async () => {
    const events: SyncEvent[] = [];
    const result = await sync(new LocalDirectoryStore(srcDir), new LocalDirectoryStore(dstDir), {
      multipartThreshold: 1 * MiB, partSize: 1 * MiB, onEvent: (e) => events.push(e),
    });
    expect(result.copiedObjects).toBe(keys.length);
    expect(result.failed).toEqual([]);
    for (const key of keys) {
      expect(await md5File(path.join(dstDir, ...key.split("/")))).toBe(await md5File(path.join(srcDir, ...key.split("/"))));
    }
    expect(events.find((e) => e.type === "copied" && e.key === "big/object.bin")).toMatchObject({ multipart: true });
    const head = await new LocalDirectoryStore(dstDir).head("dir/&+#%.bin");
    expect(head?.metadata[SOURCE_METADATA.size]).toBe(String(content("dir/&+#%.bin").length));
    // The digest equals one computed from a fresh listing of the destination.
    const listed = [];
    for await (const info of new LocalDirectoryStore(dstDir).list()) listed.push(info);
    expect(listed.map((l) => l.key).sort()).toEqual([...keys].sort());
    expect(result.manifestDigest).toBe(manifestDigest(listed));
  });

  it("a second run copies nothing; a changed file is copied again; extraneous only reported unless asked", async () => {
    // A run's digest (kept as lines for what is in place, the copies and extraneous objects merged
    // in key order) is the one a fresh listing of the destination gives.
    const listedDigest = async () => {
      const listed = [];
      for await (const info of new LocalDirectoryStore(dstDir).list()) listed.push(info);
      return manifestDigest(listed);
    };
    const again = await sync(new LocalDirectoryStore(srcDir), new LocalDirectoryStore(dstDir));
    expect(again.manifestDigest).toBe(await listedDigest());
    expect(again.copiedObjects).toBe(0);
    expect(again.copiedBytes).toBe(0);
    expect(again.skippedObjects).toBe(keys.length);

    await fsp.writeFile(path.join(srcDir, "a.txt"), "changed, same length? no");
    await fsp.writeFile(path.join(dstDir, "extra.txt"), "not in the source");
    const p = await plan(new LocalDirectoryStore(srcDir), new LocalDirectoryStore(dstDir));
    expect(p.copyExamples.map((c) => c.source.key)).toEqual(["a.txt"]);
    expect(p.extraneousExamples.map((x) => x.key)).toEqual(["extra.txt"]);

    const third = await sync(new LocalDirectoryStore(srcDir), new LocalDirectoryStore(dstDir));
    expect(third.copiedObjects).toBe(1);
    expect(fs.existsSync(path.join(dstDir, "extra.txt"))).toBe(true);
    expect(third.manifestDigest).toBe(await listedDigest()); // in place, one copy, one extraneous kept
    await fsp.writeFile(path.join(srcDir, "a.txt"), "changed again, to another length");
    const fourth = await sync(new LocalDirectoryStore(srcDir), new LocalDirectoryStore(dstDir), { deleteExtraneous: true });
    expect(fourth.copiedObjects).toBe(1);
    expect(fourth.deletedObjects).toBe(1);
    expect(fs.existsSync(path.join(dstDir, "extra.txt"))).toBe(false);
    expect(fourth.manifestDigest).toBe(await listedDigest()); // in place, one copy, the extraneous one deleted
  });

  it("same size, different bytes at the destination is detected by hashing and copied", async () => {
    const victim = path.join(dstDir, "dir", "b c.bin");
    const original = await fsp.readFile(victim);
    const tampered = Buffer.from(original);
    tampered[0] ^= 0xff;
    await fsp.writeFile(victim, tampered);
    const result = await sync(new LocalDirectoryStore(srcDir), new LocalDirectoryStore(dstDir));
    expect(result.copiedObjects).toBe(1);
    expect(await fsp.readFile(victim)).toEqual(original);
  });

  it("a source that vanishes mid-run fails the run naming the object", async () => {
    const src = new LocalDirectoryStore(srcDir);
    const dst = path.join(tmp, "dst-fail");
    const failing = Object.create(src) as LocalDirectoryStore;
    failing.get = async (key, range, opts) => {
      if (key === "a.txt") throw Object.assign(new Error("no such object"), { statusCode: 404 });
      return src.get(key, range, opts);
    };
    const err = await sync(failing, new LocalDirectoryStore(dst)).catch((e) => e);
    expect(err).toBeInstanceOf(SyncError);
    expect((err as SyncError).result.failed.map((f) => f.key)).toEqual(["a.txt"]);
    expect((err as SyncError).message).toContain("a.txt");
    expect((err as SyncError).result.copiedObjects).toBe(keys.length - 1);
  });

  it("a key that would escape the destination directory fails by name and writes nothing outside", async () => {
    const src = new LocalDirectoryStore(srcDir);
    const hostile = Object.create(src) as LocalDirectoryStore;
    hostile.list = async function* () {
      yield { key: "../escaped.txt", size: 3, etag: "e", md5: "acbd18db4cc2f85cedef654fccc4a4d8", checksum: "acbd18db4cc2f85cedef654fccc4a4d8" };
    };
    hostile.get = async () => (await import("stream")).Readable.from([Buffer.from("foo")]);
    const dst = path.join(tmp, "jail");
    const err = await sync(hostile, new LocalDirectoryStore(dst)).catch((e) => e);
    expect(err).toBeInstanceOf(SyncError);
    expect((err as SyncError).result.failed[0]).toMatchObject({ key: "../escaped.txt" });
    expect(fs.existsSync(path.join(tmp, "escaped.txt"))).toBe(false);
  });

  it("flushWrites flushes every complete file at its temporary name, before it is renamed into place", async () => {
    const src = path.join(tmp, "flush-src");
    const files: Record<string, Buffer> = { one: Buffer.alloc(10, 1), "dir/two": Buffer.alloc(20, 2), "big/three": crypto.randomBytes(2 * MiB + 5) };
    for (const [key, data] of Object.entries(files)) {
      await fsp.mkdir(path.dirname(path.join(src, key)), { recursive: true });
      await fsp.writeFile(path.join(src, key), data);
    }
    const flushed: { file: string; size: number; finalExists: boolean }[] = [];
    const dst = path.join(tmp, "flushed");
    const store = new LocalDirectoryStore(dst, {
      flushWrites: async (file) => {
        const { size } = await fsp.stat(file);
        const key = Object.keys(files).find((k) => files[k].length === size)!;
        flushed.push({ file, size, finalExists: fs.existsSync(path.join(dst, key)) });
      },
    });
    const options = { multipartThreshold: 1 * MiB, partSize: 1 * MiB };
    expect((await sync(new LocalDirectoryStore(src), store, options)).copiedObjects).toBe(3);
    // Single files under their partial name; the multipart one as its assembly file in the uploads area.
    expect(flushed.map((f) => f.size).sort((a, b) => a - b)).toEqual([10, 20, 2 * MiB + 5]);
    expect(flushed.filter((f) => f.file.includes(".tundra-partial-")).map((f) => f.size).sort((a, b) => a - b)).toEqual([10, 20]);
    expect(flushed.find((f) => f.file.endsWith(".data"))?.size).toBe(2 * MiB + 5);
    for (const f of flushed) expect(f.finalExists).toBe(false);
    // The default flusher (fdatasync) runs too.
    expect((await sync(new LocalDirectoryStore(src), new LocalDirectoryStore(path.join(tmp, "fdatasync"), { flushWrites: true }), options)).copiedObjects).toBe(3);
  });
});
