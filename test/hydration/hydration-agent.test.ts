// The node agent, bundled as nodes run it, in its own processes against the OCI Object Storage
// test server, with temporary directories standing in for three nodes' data volumes.
import * as crypto from "crypto";
import * as fs from "fs";
import * as fsp from "fs/promises";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GenerationLayout } from "../../components/hydration/agent/generations";
import { generationHex } from "../../components/hydration/control";
import { manifestDigest } from "../../components/transfer/digest";
import { AWKWARD_KEYS, writeCorpus } from "../support/corpus";
import {
  corruptStoredObject, liveFiles, publishDesired, readReceipt, startAgent, startHydrationFixture, syncGeneration, waitFor,
  type AgentProcess, type HydrationFixture,
} from "../support/hydration-fixture";

const NODES = ["node-0", "node-1", "node-2"];

describe("hydration agent against the OCI test server", () => {
  let fx: HydrationFixture;
  let source: string;
  let agents: AgentProcess[] = [];
  const root = (node: string) => path.join(fx.dir, "nodes", node);

  async function receiptsFor(requestId: string, nodes = NODES, status: "ok" | "failed" = "ok") {
    return waitFor(`${status} receipts from ${nodes.join(", ")}`, async () => {
      const receipts = await Promise.all(nodes.map((n) => readReceipt(fx, n)));
      return receipts.every((r) => r?.requestId === requestId && r.status === status) && receipts.map((r) => r!);
    }, 45_000);
  }

  beforeAll(async () => {
    fx = await startHydrationFixture();
    source = path.join(fx.dir, "source");
    await fsp.mkdir(source);
    for (const node of NODES) await fsp.mkdir(root(node), { recursive: true });
    agents = await Promise.all(NODES.map((n) => startAgent(fx, n)));
  });
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await fx?.close();
  });

  let first: string;
  let expected: Map<string, string>;

  it("loads a generation with awkward names onto three nodes, byte for byte, and reports receipts", async () => {
    expected = await writeCorpus(source, { small: 20 });
    first = await syncGeneration(fx, source);
    const requestId = await publishDesired(fx, first, NODES);
    const receipts = await receiptsFor(requestId);
    for (const [i, node] of NODES.entries()) {
      const r = receipts[i];
      expect(r.generation).toBe(first);
      expect(r.verifiedDigest).toBe(first);
      expect(r.live).toBe(first);
      expect(r.files).toBe(expected.size);
      expect(r.doneFiles).toBe(expected.size);
      expect(r.downloadedBytes).toBe(r.bytes);
      expect(r.error).toBe("");
      expect(liveFiles(root(node))).toEqual(expected);
      expect(fs.readlinkSync(path.join(root(node), "current"))).toBe(path.join("generations", generationHex(first)));
    }
    for (const key of AWKWARD_KEYS) expect(liveFiles(root("node-0")).has(key)).toBe(true);
  });

  let second: string;

  it("switches to a new generation atomically, hard-linking unchanged files and keeping the previous one", async () => {
    await fsp.writeFile(path.join(source, "small", "obj-0000.bin"), crypto.randomBytes(4096));
    await fsp.writeFile(path.join(source, "new file.txt"), "added in generation two\n");
    await fsp.rm(path.join(source, "small", "obj-0001.bin"));
    expected = await writeCorpusHashes(source);
    second = await syncGeneration(fx, source);
    expect(second).not.toBe(first);
    const requestId = await publishDesired(fx, second, NODES);
    const receipts = await receiptsFor(requestId);
    for (const [i, node] of NODES.entries()) {
      expect(receipts[i].previous).toBe(first);
      expect(receipts[i].reusedFiles).toBe(expected.size - 2);
      expect(receipts[i].downloadedBytes).toBe(4096 + Buffer.byteLength("added in generation two\n"));
      expect(liveFiles(root(node))).toEqual(expected);
      expect(fs.readlinkSync(path.join(root(node), "previous"))).toBe(path.join("generations", generationHex(first)));
      const layout = new GenerationLayout(root(node));
      const unchanged = path.join("small", "obj-0005.bin");
      expect(fs.statSync(path.join(layout.dir(second), unchanged)).ino).toBe(fs.statSync(path.join(layout.dir(first), unchanged)).ino);
    }
  });

  it("rolls back to the previous generation by switching the link, without downloading", async () => {
    const requestId = await publishDesired(fx, first, NODES);
    const receipts = await receiptsFor(requestId);
    for (const r of receipts) {
      expect(r.live).toBe(first);
      expect(r.previous).toBe(second);
      expect(r.downloadedBytes).toBe(0);
    }
    const back = await publishDesired(fx, second, NODES);
    await receiptsFor(back);
  });

  it("fails loudly on a corrupted object (MD5 mismatch) and leaves the previous generation live", async () => {
    const poison = Buffer.from("this object will rot in the bucket\n".repeat(100));
    await fsp.writeFile(path.join(source, "rotten.bin"), poison);
    const third = await syncGeneration(fx, source);
    await corruptStoredObject(fx, poison);
    const before = liveFiles(root("node-1"));
    const requestId = await publishDesired(fx, third, NODES);
    const receipts = await receiptsFor(requestId, NODES, "failed");
    for (const [i, node] of NODES.entries()) {
      expect(receipts[i].error).toContain("rotten.bin");
      expect(receipts[i].error).toMatch(/MD5/);
      expect(receipts[i].error).toContain("The live generation is unchanged");
      expect(receipts[i].live).toBe(second);
      expect(fs.readlinkSync(path.join(root(node), "current"))).toBe(path.join("generations", generationHex(second)));
    }
    expect(liveFiles(root("node-1"))).toEqual(before);
    // No hot retry loop: the failed request stays failed until a new request is published.
    await new Promise((r) => setTimeout(r, 2500));
    expect((await readReceipt(fx, "node-1"))!.status).toBe("failed");
    expect(agents[1].output()).toContain("FAILED");
    await fsp.rm(path.join(source, "rotten.bin"));
  });

  it("resumes after being killed mid-way: verified files are kept, the rest fetched", async () => {
    const batch = path.join(source, "batch");
    await fsp.mkdir(batch);
    for (let i = 0; i < 24; i++) await fsp.writeFile(path.join(batch, `part-${i}.bin`), crypto.randomBytes(64 * 1024));
    expected = await writeCorpusHashes(source);
    const fourth = await syncGeneration(fx, source);
    const onlyNode0 = ["node-0"];
    // Slow every data download so the kill lands mid-way.
    fx.server.faults.configure({ slow: 1, slowMs: 300, applies: (req) => req.method === "GET" && decodeURIComponent(req.url ?? "").includes("/o/warehouse/batch/") });
    try {
      const requestId = await publishDesired(fx, fourth, onlyNode0, 2);
      const progress = await waitFor("node-0 to load some files", async () => {
        const r = await readReceipt(fx, "node-0");
        return r?.requestId === requestId && r.status === "loading" && r.doneFiles >= 30 && r;
      }, 45_000, 100);
      agents[0].child.kill("SIGKILL");
      await agents[0].exited;
      expect(fs.readlinkSync(path.join(root("node-0"), "current"))).toBe(path.join("generations", generationHex(second)));
      const staged = fs.readdirSync(path.join(new GenerationLayout(root("node-0")).stagingDir(fourth), "batch")).filter((n) => !n.includes(".tundra-partial-"));
      expect(staged.length).toBeGreaterThan(0);
      expect(staged.length).toBeLessThan(24);

      agents[0] = await startAgent(fx, "node-0");
      const [done] = await receiptsFor(requestId, onlyNode0);
      expect(done.live).toBe(fourth);
      expect(done.reusedFiles).toBeGreaterThanOrEqual(progress.doneFiles);
      expect(done.downloadedBytes).toBeLessThan(24 * 64 * 1024);
      expect(liveFiles(root("node-0"))).toEqual(expected);
    } finally {
      fx.server.faults.configure({});
    }
  });

  it("loads an empty generation as a valid, empty dataset", async () => {
    const empty = path.join(fx.dir, "empty-source");
    await fsp.mkdir(empty);
    const generation = await syncGeneration(fx, empty);
    expect(generation).toBe(manifestDigest([]));
    const requestId = await publishDesired(fx, generation, NODES);
    const receipts = await receiptsFor(requestId);
    for (const [i, node] of NODES.entries()) {
      expect(receipts[i]).toMatchObject({ files: 0, bytes: 0, verifiedDigest: generation, live: generation });
      expect(liveFiles(root(node)).size).toBe(0);
      expect(fs.existsSync(path.join(root(node), "current"))).toBe(true);
    }
  });
});

/** key -> md5 of every file under a directory (the expected dataset). */
async function writeCorpusHashes(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string, prefix: string) => {
    for (const entry of await fsp.readdir(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) await walk(full, `${prefix}${entry.name}/`);
      else out.set(`${prefix}${entry.name}`, crypto.createHash("md5").update(await fsp.readFile(full)).digest("hex"));
    }
  };
  await walk(dir, "");
  return out;
}
