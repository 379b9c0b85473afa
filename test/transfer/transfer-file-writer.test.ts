import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fsp from "fs/promises";
import * as os from "os";
import * as path from "path";
import { Readable } from "stream";
import { describe, expect, it } from "vitest";
import { writeBodyToFile } from "../../components/transfer/file-writer";
import { countedBody } from "../../components/transfer/hashing";
import { isTransient } from "../../components/transfer/retry";
import { batchSlotCount, startWriteHashJob, takeBatchBuffer } from "../../components/transfer/write-hash-workers";
import { useTempDir } from "../support/temp-dir";

const MiB = 1024 * 1024;
const ROOT = path.resolve(__dirname, "../..");

/** `data` cut into pieces of the given sizes, cycling. */
function* pieces(data: Buffer, sizes: number[]): Generator<Buffer> {
  let at = 0;
  for (let i = 0; at < data.length; i++) {
    const size = sizes[i % sizes.length];
    yield data.subarray(at, at + size);
    at += size;
  }
}

const md5 = (data: Buffer) => crypto.createHash("md5").update(data).digest("hex");

describe("file writer: batched positional writes, MD5 on worker threads", () => {
  const tmp = useTempDir("file-writer");

  it("writes and hashes bodies of any shape, concurrently, byte for byte", async () => {
    const cases = [
      { size: 0, sizes: [1] },
      { size: 1, sizes: [1] },
      { size: MiB, sizes: [MiB] }, // exactly one batch
      { size: 3 * MiB + 17, sizes: [65536, 1, 4096, 2 * MiB + 3] }, // pieces across batch boundaries
      { size: 5 * MiB, sizes: [7 * MiB] }, // one piece larger than several batches
    ];
    const results = await Promise.all(cases.map(async ({ size, sizes }, i) => {
      const data = crypto.randomBytes(size);
      const file = path.join(tmp(), `case-${i}`);
      const handle = await fsp.open(file, "w");
      const written = await writeBodyToFile(Readable.from(pieces(data, sizes)), handle).finally(() => handle.close());
      return { written, expected: { bytes: size, md5: md5(data) }, onDisk: md5(await fsp.readFile(file)) };
    }));
    for (const r of results) {
      expect(r.written).toEqual(r.expected);
      expect(r.onDisk).toBe(r.expected.md5);
    }
  });

  it("writes at an offset (a part of a multipart download) and accepts strings and Uint8Arrays", async () => {
    const file = path.join(tmp(), "parts");
    await fsp.writeFile(file, Buffer.alloc(10, "."));
    const handle = await fsp.open(file, "r+");
    const written = await writeBodyToFile(Readable.from(["ab", new Uint8Array([99, 100])], { objectMode: true }), handle, 3).finally(() => handle.close());
    expect(written).toEqual({ bytes: 4, md5: md5(Buffer.from("abcd")) });
    expect(await fsp.readFile(file, "utf8")).toBe("...abcd...");
  });

  it("a body that fails mid-way rejects with its error and leaves no job open on the workers", async () => {
    const handle = await fsp.open(path.join(tmp(), "broken"), "w");
    const failing = Readable.from((function* () {
      yield crypto.randomBytes(3 * MiB);
      throw new Error("connection reset by peer");
    })());
    await expect(writeBodyToFile(failing, handle).finally(() => handle.close())).rejects.toThrow("connection reset by peer");
    // The pool still works afterwards.
    const h = startWriteHashJob();
    const data = takeBatchBuffer();
    data.fill(7);
    const expected = md5(data);
    await h.update(data, data.length);
    expect(await h.digest()).toBe(expected);
  });

  it("bodies that fail mid-batch give their batch back: the shared batch memory does not grow with the number of failures", async () => {
    const fail = async () => {
      const handle = await fsp.open(path.join(tmp(), "half-batch"), "w");
      const failing = Readable.from((function* () {
        yield crypto.randomBytes(MiB + MiB / 2); // one batch handed over, half of the next begun
        throw new Error("connection reset by peer");
      })());
      await expect(writeBodyToFile(failing, handle).finally(() => handle.close())).rejects.toThrow("connection reset by peer");
    };
    await fail();
    const slots = batchSlotCount();
    for (let i = 0; i < 20; i++) await fail();
    expect(batchSlotCount()).toBe(slots);
  });

  it("a refused write of a chunk that spans several batches gives every batch back (none is left lent out)", async () => {
    const file = path.join(tmp(), "read-only-spanning");
    await fsp.writeFile(file, "");
    const refuse = async () => {
      const readOnly = await fsp.open(file, "r"); // writes to it fail with EBADF
      const err = await writeBodyToFile(Readable.from([crypto.randomBytes(5 * MiB)]), readOnly).finally(() => readOnly.close()).catch((e) => e);
      expect(err).toMatchObject({ code: "EBADF" });
    };
    await refuse();
    const slots = batchSlotCount();
    for (let i = 0; i < 5; i++) await refuse();
    expect(batchSlotCount()).toBe(slots);
  });

  it("a write the file system refuses fails with its code, on the worker as on the main thread, and writes nothing after it", async () => {
    const file = path.join(tmp(), "read-only");
    await fsp.writeFile(file, "");
    const readOnly = await fsp.open(file, "r"); // writes to it fail with EBADF
    const err = await writeBodyToFile(Readable.from([crypto.randomBytes(3 * MiB)]), readOnly).finally(() => readOnly.close()).catch((e) => e);
    expect(err).toMatchObject({ code: "EBADF", syscall: "write" });
    expect(isTransient(err)).toBe(false);
    expect((await fsp.stat(file)).size).toBe(0);
  });

  it("once it has rejected, nothing more is written through the descriptor (which the next open may reuse)", async () => {
    // Up to 2 MiB may wait for the workers when the body fails: none of it may land after the
    // rejection. A race, so several rounds (a version that did not wait for the workers failed 3 runs of 3).
    for (let round = 0; round < 6; round++) {
      const first = await fsp.open(path.join(tmp(), `first-${round}`), "w");
      const fd = first.fd;
      const failing = Readable.from((function* () {
        for (let i = 0; i < 4; i++) yield crypto.randomBytes(MiB);
        throw new Error("connection reset by peer");
      })());
      await expect(writeBodyToFile(failing, first)).rejects.toThrow("connection reset by peer");
      await first.close();
      const second = await fsp.open(path.join(tmp(), `second-${round}`), "w");
      expect(second.fd).toBe(fd);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await second.close();
      expect((await fsp.stat(path.join(tmp(), `second-${round}`))).size).toBe(0);
    }
  });

  it("a process that used the workers exits by itself when its work is done, also after a failure", () => {
    const script = `
      const fsp = require("fs/promises");
      const { Readable } = require("stream");
      const { writeBodyToFile } = require(${JSON.stringify(path.join(ROOT, "components/transfer/file-writer.ts"))});
      (async () => {
        const h = await fsp.open(${JSON.stringify(path.join(tmp(), "exit-check"))}, "w");
        const w = await writeBodyToFile(Readable.from([Buffer.alloc(3 * 1024 * 1024, 1)]), h);
        await writeBodyToFile(Readable.from((function* () { yield Buffer.alloc(2 * 1024 * 1024); throw new Error("x"); })()), h).catch(() => {});
        await h.close();
        console.log(w.md5);
      })();`;
    const run = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: ROOT, encoding: "utf8", timeout: 30_000 });
    expect(run.error).toBeUndefined(); // a timeout would mean a worker kept the process alive
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe(md5(Buffer.alloc(3 * MiB, 1)));
  });

  it("where worker threads die, the job they held fails as transient and later jobs hash on the main thread", async () => {
    // A preload that ends the write-and-hash worker threads at birth (NODE_OPTIONS reaches workers; tsx's own loader thread is spared).
    const killer = path.join(tmp(), "kill-workers.cjs");
    await fsp.writeFile(killer, `const wt = require("worker_threads"); if (!wt.isMainThread && wt.workerData && wt.workerData.role === "tundra-write-hash") process.exit(3);`);
    const script = `
      const fsp = require("fs/promises");
      const { Readable } = require("stream");
      const { writeBodyToFile } = require(${JSON.stringify(path.join(ROOT, "components/transfer/file-writer.ts"))});
      const { isTransient } = require(${JSON.stringify(path.join(ROOT, "components/transfer/retry.ts"))});
      const body = () => Readable.from([Buffer.alloc(3 * 1024 * 1024, 2)]);
      (async () => {
        const h = await fsp.open(${JSON.stringify(path.join(tmp(), "fallback"))}, "w");
        const first = await writeBodyToFile(body(), h).then((w) => "ok " + w.md5, (e) => "failed transient=" + isTransient(e) + " " + e.message);
        await new Promise((r) => setTimeout(r, 200)); // every worker has died by now
        const second = await writeBodyToFile(body(), h);
        await h.close();
        console.log(JSON.stringify({ first, second: second.md5 }));
      })();`;
    const run = spawnSync(process.execPath, ["--import", "tsx", "-e", script], {
      cwd: ROOT, encoding: "utf8", timeout: 30_000, env: { ...process.env, NODE_OPTIONS: `--require ${killer}` },
    });
    expect(run.status, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout.trim()) as { first: string; second: string };
    const expected = md5(Buffer.alloc(3 * MiB, 2));
    // The first job may have been handed to a worker before it died: then it fails, retryably.
    expect([`ok ${expected}`, "failed transient=true The write-and-hash worker thread exited (code 3)."]).toContain(out.first);
    expect(out.second).toBe(expected);
  });
});

describe("countedBody: a source body counted (and hashed when asked) as its consumer takes it", () => {
  const chunks = () => [Buffer.from("abc"), Buffer.from("defgh"), Buffer.from("ij")];

  it("without hashing hands over the body itself, counts what a reading or flowing consumer takes, and waits for the consumer", async () => {
    for (const consume of ["read", "flow"] as const) {
      const seen: number[] = [];
      const body = Readable.from(chunks());
      const counted = countedBody(body, (n) => seen.push(n), false);
      expect(counted.stream).toBe(body);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(seen).toEqual([]); // the counter did not start the flow
      const taken: Buffer[] = [];
      if (consume === "read") for await (const chunk of counted.stream) taken.push(chunk as Buffer);
      else await new Promise<void>((resolve) => counted.stream.on("data", (c: Buffer) => taken.push(c)).on("end", resolve).resume());
      expect(Buffer.concat(taken).toString()).toBe("abcdefghij");
      expect(seen).toEqual([3, 5, 2]);
      expect(counted.bytes()).toBe(10);
      expect(counted.md5()).toBe("");
    }
  });

  it("an error before the consumer reads does not go unhandled; the consumer then fails with it", async () => {
    const body = new Readable({ read() {} });
    const counted = countedBody(body, () => undefined, false);
    body.destroy(new Error("connection reset by peer"));
    await new Promise((resolve) => setTimeout(resolve, 20)); // an unhandled 'error' would fail the test run
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "counted-body-"));
    const file = await fsp.open(path.join(dir, "probe"), "w");
    try {
      await expect(writeBodyToFile(counted.stream, file)).rejects.toThrow("connection reset by peer");
    } finally {
      await file.close();
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });

  it("with hashing passes the bytes through and gives their MD5", async () => {
    const counted = countedBody(Readable.from(chunks()), () => undefined, true);
    const taken: Buffer[] = [];
    for await (const chunk of counted.stream) taken.push(chunk as Buffer);
    expect(Buffer.concat(taken).toString()).toBe("abcdefghij");
    expect(counted.md5()).toBe(md5(Buffer.from("abcdefghij")));
    expect(counted.bytes()).toBe(10);
  });
});
