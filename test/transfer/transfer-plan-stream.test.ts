// The planner streams (components/transfer/plan.ts planSteps): it merges the two listings as they
// arrive and yields its decisions in key order, holding only a bounded window; plan() keeps
// totals and bounded samples. These are what let 1,000,000 keys plan in under 300 MB (bench:plan).
import { describe, expect, it } from "vitest";
import type { Readable } from "stream";
import { checkedListing, compareKeys, largestFirst, manifestDigest, plan, PLAN_SAMPLE, TransientStoreError, type ObjectHead, type ObjectInfo, type ObjectStore } from "../../components/transfer";
import { planSteps, type PlanStep } from "../../components/transfer/plan";
import { listAll } from "../support/store-helpers";

const noRetry = { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 };

/** A store that only lists (and answers HEAD from `heads`): the planner's view of a bucket. */
class ListedStore implements ObjectStore {
  readonly multipart = undefined as never;
  listCalls = 0;
  /** Entries handed out by the listing so far (every call counted). */
  pulled = 0;

  constructor(
    readonly description: string,
    private readonly entries: ObjectInfo[],
    private readonly hooks: { beforeEntry?: (index: number, call: number) => Promise<void> | void; head?: (key: string) => Promise<ObjectHead | undefined> } = {},
  ) {}

  list(): AsyncIterable<ObjectInfo> {
    const call = ++this.listCalls;
    const self = this;
    return checkedListing(this, (async function* () {
      for (let i = 0; i < self.entries.length; i++) {
        await self.hooks.beforeEntry?.(i, call);
        self.pulled += 1;
        yield self.entries[i];
      }
    })());
  }

  head(key: string): Promise<ObjectHead | undefined> {
    if (!this.hooks.head) throw new Error(`unexpected HEAD ${key}`);
    return this.hooks.head(key);
  }

  get(): Promise<Readable> {
    throw new Error("no bytes here");
  }

  put(): never {
    throw new Error("no bytes here");
  }

  delete(): never {
    throw new Error("no writes here");
  }
}

const key = (i: number) => `data/part-${String(i).padStart(6, "0")}.bin`;
const object = (i: number, extra: Partial<ObjectInfo> = {}): ObjectInfo => ({ key: key(i), size: 100 + (i % 7), etag: `e${i}`, md5: `${String(i).padStart(32, "0")}`, checksum: `${String(i).padStart(32, "0")}`, ...extra });
const range = (n: number, every = 1) => Array.from({ length: Math.ceil(n / every) }, (_, j) => j * every);

describe("the streaming planner", () => {
  it("hands over decisions while the listings are still arriving, reading them at most a bounded distance ahead", async () => {
    const count = 20_000;
    let consumed = 0;
    let firstStepSeen: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => { firstStepSeen = resolve; });
    const source = new ListedStore("mem://source/", range(count).map((i) => object(i)), {
      // Past the first pages, the listing waits for the consumer to have seen a step: a planner
      // that lists everything before deciding anything never gets there.
      beforeEntry: (i) => (i === 5000 ? Promise.race([gate, new Promise<void>((_, reject) => setTimeout(() => reject(new Error("the planner decided nothing before the listing ended")), 5000))]) : undefined),
    });
    const destination = new ListedStore("mem://destination/", range(count, 2).map((i) => object(i)));
    let furthestAhead = 0;
    await planSteps(source, destination, { retry: noRetry }, async (step) => {
      if (step.action === "extraneous") throw new Error(`extraneous ${step.destination.key}`);
      expect(step.action).toBe(Number(step.source.key.slice(10, 16)) % 2 === 0 ? "skip" : "copy");
      consumed += 1;
      firstStepSeen();
      furthestAhead = Math.max(furthestAhead, source.pulled - consumed);
      // A consumer busy elsewhere now and then (a copier): the listing must not run away meanwhile.
      if (consumed % 500 === 0) await new Promise((resolve) => setImmediate(resolve));
    });
    expect(consumed).toBe(count);
    // Two pages of read-ahead plus what the merge holds: nowhere near the whole listing.
    expect(furthestAhead).toBeLessThanOrEqual(2_100);
  });

  it("hands over destination-only keys as the destination is listed, past the source's end: the read-ahead stays bounded", async () => {
    const count = 30_000;
    const source = new ListedStore("mem://source/", [object(0)]);
    const destination = new ListedStore("mem://destination/", range(count).map((i) => object(i)));
    let delivered = 0;
    let furthestAhead = 0;
    await planSteps(source, destination, { retry: noRetry }, async (step) => {
      expect(step.action).toBe(delivered === 0 ? "skip" : "extraneous");
      delivered += 1;
      furthestAhead = Math.max(furthestAhead, destination.pulled - delivered);
      if (delivered % 500 === 0) await new Promise((resolve) => setImmediate(resolve));
    });
    expect(delivered).toBe(count);
    // The first extraneous step arrives while the listing is still being read, and the listing
    // never runs more than its read-ahead (plus what the merge holds) past the consumer.
    expect(furthestAhead).toBeLessThanOrEqual(2_100);
  });

  it("hands over the steps in key order whatever order the destination checks finish in", async () => {
    const count = 200;
    // No MD5 on either side: every object is checked against the destination's recorded identity.
    const sources = range(count).map((i) => object(i, { md5: undefined, checksum: undefined }));
    const destination = new ListedStore("mem://destination/", sources.map((o) => ({ ...o, etag: `copy-of-${o.etag}` })), {
      // The later the key, the sooner its answer: checks finish in reverse order.
      head: async (k) => {
        const i = Number(k.slice(10, 16));
        await new Promise((resolve) => setTimeout(resolve, (count - i) % 25));
        const o = sources[i];
        const metadata: Record<string, string> = i % 3 === 0 ? {} : { "tundra-source-etag": o.etag, "tundra-source-size": String(o.size) };
        return { ...o, metadata };
      },
    });
    const steps: PlanStep[] = [];
    await planSteps(new ListedStore("mem://source/", sources), destination, { retry: noRetry, checkers: 16 }, (step) => {
      steps.push(step);
    });
    const keys = steps.map((s) => (s.action === "extraneous" ? s.destination.key : s.source.key));
    expect(keys).toEqual(sources.map((o) => o.key));
    expect(steps.map((s) => `${s.action}:${s.action === "extraneous" ? "" : s.reason}`)).toEqual(range(count).map((i) => (i % 3 === 0 ? "copy:identity-unknown" : "skip:recorded-source")));
  });

  it("a listing that fails partway is started again past the last key it gave: every key once, in order", async () => {
    const count = 3000;
    const source = new ListedStore("mem://source/", range(count).map((i) => object(i)), {
      beforeEntry: (i, call) => {
        if (call === 1 && i === 1700) throw new TransientStoreError("connection reset while listing");
      },
    });
    const destination = new ListedStore("mem://destination/", []);
    const keys: string[] = [];
    await planSteps(source, destination, { retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 } }, (step) => {
      if (step.action !== "extraneous") keys.push(step.source.key);
    });
    expect(source.listCalls).toBe(2);
    expect(keys).toEqual(range(count).map(key));
  });

  it("plan() keeps totals, the first and the largest copies, and the destination's digest, not one entry per key", async () => {
    const count = 1000;
    const sources = range(count).map((i) => object(i, { size: (i * 7919) % 1000 }));
    // Every third in place, every third with other bytes, the rest missing; plus keys only the destination has.
    const held = range(count, 3).flatMap((i) => [sources[i], ...(i + 1 < count ? [{ ...sources[i + 1], md5: "f".repeat(32), checksum: "f".repeat(32), etag: "other" }] : [])]);
    const extra = range(30).map((i) => ({ key: `data/part-${String(i * 40).padStart(6, "0")}.bin.old`, size: 5, etag: `x${i}`, md5: "a".repeat(32), checksum: "a".repeat(32) }));
    const destination = new ListedStore("mem://destination/", [...held, ...extra].sort((a, b) => (a.key < b.key ? -1 : 1)));
    const p = await plan(new ListedStore("mem://source/", sources), destination, { retry: noRetry });

    const copies = sources.filter((_, i) => i % 3 !== 0);
    expect(p.summary).toMatchObject({
      sourceObjects: count, copyObjects: copies.length, skipObjects: count - copies.length, extraneousObjects: extra.length,
      copyBytes: copies.reduce((sum, o) => sum + o.size, 0), extraneousBytes: 5 * extra.length,
    });
    expect(p.copyReasons).toEqual({ "md5-differs": range(count, 3).filter((i) => i + 1 < count).length, missing: copies.length - range(count, 3).filter((i) => i + 1 < count).length });
    expect(p.copyExamples.map((c) => c.source.key)).toEqual(copies.slice(0, PLAN_SAMPLE).map((o) => o.key));
    expect(p.largestCopies.map((c) => c.source.key)).toEqual(largestFirst(copies.map((source) => ({ source, reason: "missing" as const })), PLAN_SAMPLE).map((c) => c.source.key));
    expect(p.extraneousExamples.map((x) => x.key)).toEqual(extra.slice(0, PLAN_SAMPLE).map((x) => x.key).sort());
    expect(p.destinationDigest).toBe(manifestDigest(await listAll(destination)));
  });
});

describe("compareKeys", () => {
  it("orders keys as their UTF-8 bytes, as S3 and OCI list them (not as UTF-16 code units)", () => {
    const parts = ["", "a", "/", "é", "\u0800", "\ud7ff", "\ue000", "\ufffd", "\uffff", "😀", "\u{10000}", "\u{10ffff}"];
    const keys = parts.flatMap((x) => parts.flatMap((y) => parts.map((z) => x + y + z)));
    const wrong: string[] = [];
    for (const a of keys) {
      for (const b of keys) if (Math.sign(compareKeys(a, b)) !== Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b)))) wrong.push(JSON.stringify([a, b]));
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  });
});
