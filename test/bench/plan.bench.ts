// Benchmark of planning alone (npm run bench:plan; not part of npm test): BENCH_PLAN_KEYS keys
// (default 1,000,000) listed through the store interface by a synthetic store (no bytes, no
// network: pages of 1,000 as S3 and OCI give them), planned against a destination that holds every
// other one with the same MD5 (pages laid out as OCI's ListObjects answers them). Prints the time and the process's peak RSS (VmHWM, start-up
// included) and a JSON summary line. Target (issue 20): under 300 MB and under 30 s here.
import * as crypto from "crypto";
import { readFileSync } from "fs";
import * as os from "os";
import type { Readable } from "stream";
import { checkedListing, plan, type ObjectHead, type ObjectInfo, type ObjectStore } from "../../components/transfer";
import { line, timed } from "./support";

const KEYS = Number(process.env.BENCH_PLAN_KEYS ?? "1000000");
const MB = 1e6;

/** A listing of `count` objects (every `stride`-th one), in ascending key order, as S3Store yields them. */
class SyntheticStore implements ObjectStore {
  readonly multipart = undefined as never;

  constructor(readonly description: string, private readonly count: number, private readonly stride: number) {}

  /** Through checkedListing, as every real store's listing goes. */
  list(): AsyncIterable<ObjectInfo> {
    return checkedListing(this, this.entries());
  }

  /**
   * Pages of 1,000 as OCI's ListObjects gives them: JSON text parsed, the root prefix sliced off
   * each name (as OciStore does), so the strings are laid out as a real listing's are.
   */
  private async *entries(): AsyncIterable<ObjectInfo> {
    const step = 1000 * this.stride;
    for (let first = 0; first < this.count; first += step) {
      await new Promise((resolve) => setImmediate(resolve)); // a page arrives asynchronously
      const objects = [];
      for (let i = first; i < Math.min(this.count, first + step); i += this.stride) {
        const table = String(Math.floor(i / 2000)).padStart(3, "0");
        objects.push({ name: `tenant/warehouse/table-${table}/part-${String(i).padStart(8, "0")}.parquet`, size: 4096 + (i % 65536), md5: crypto.createHash("md5").update(String(i)).digest("base64"), etag: crypto.randomUUID(), timeModified: new Date(1_700_000_000_000 + i).toISOString() });
      }
      const page = JSON.parse(JSON.stringify({ objects })) as { objects: typeof objects };
      for (const o of page.objects) {
        const md5 = Buffer.from(o.md5, "base64").toString("hex");
        yield { key: o.name.slice("tenant/".length), size: o.size, etag: o.etag, md5, checksum: md5, lastModified: new Date(o.timeModified).getTime() };
      }
    }
  }

  head(): Promise<ObjectHead | undefined> {
    throw new Error("the plan bench's listings prove every skip: no HEAD expected");
  }

  get(): Promise<Readable> {
    throw new Error("no bytes in the plan bench");
  }

  put(): never {
    throw new Error("no bytes in the plan bench");
  }

  delete(): never {
    throw new Error("no writes in the plan bench");
  }
}

/** Peak resident set of this process so far (VmHWM), in bytes. */
function peakRss(): number {
  const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"));
  return m ? Number(m[1]) * 1024 : Number.NaN;
}

async function main(): Promise<void> {
  const source = new SyntheticStore("synthetic://source/", KEYS, 1);
  const destination = new SyntheticStore("synthetic://destination/", KEYS, 2);
  const before = peakRss();
  const cpu = process.cpuUsage();
  const { seconds, value: thePlan } = await timed(() => plan(source, destination));
  const used = process.cpuUsage(cpu);
  const peak = peakRss();
  const s = thePlan.summary;
  if (s.copyObjects + s.skipObjects !== KEYS || s.skipObjects !== Math.ceil(KEYS / 2)) throw new Error(`unexpected plan: ${JSON.stringify(s)}`);
  line("machine", `${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  line("plan", `${KEYS} source keys against ${Math.ceil(KEYS / 2)} at the destination: copy ${s.copyObjects}, skip ${s.skipObjects}`);
  line("time", `${seconds.toFixed(2)} s (cpu ${((used.user + used.system) / 1e6).toFixed(2)} s)`);
  line("peak RSS", `${(peak / MB).toFixed(1)} MB (${(before / MB).toFixed(1)} MB before planning)`);
  process.stdout.write(`${JSON.stringify({ bench: "plan", keys: KEYS, seconds: Math.round(seconds * 100) / 100, peakRssMB: Math.round(peak / MB), rssBeforeMB: Math.round(before / MB) })}\n`);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${err?.stack ?? err}\n`);
    process.exit(1);
  },
);
