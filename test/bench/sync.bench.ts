// Benchmark of the transfer engine (npm run bench:sync; not part of npm test). Side by side in one
// run on one data set (many small objects and a few multipart-sized ones), servers in their own
// processes on 127.0.0.1:
//   - the limit: raw GET-only (s3rver) and PUT-only (s3rver, OCI test server) at the same concurrency,
//     with the CPU each took (client and server), from which the CPU ceiling: the most a copy could
//     reach on this machine, doing the work of both at once spread over every core;
//   - engine S3 -> S3 against `rclone copy --checksum` (s3rver to s3rver), alternating and swapping
//     places each round (BENCH_ROUNDS, default 3), best of each, on two data sets: the mixed one
//     and many small objects (BENCH_SMALL_OBJECTS, default 20,000 of 4-64 KiB: per-object overhead,
//     what a final delta sync before a cutover mostly is). Each copy is a process of its own (the
//     engine as `npm run sync` runs it, under tsx), so that both sides' client CPU is counted the
//     same way, start-up included, servers excluded: CPU seconds per GB and `cpuRatio` (ours /
//     rclone's; the least of the rounds for each);
//   - engine S3 -> OCI test server (best of the rounds, as are the limits);
//   - a no-change re-run against a bare listing of both sides;
//   - peak RSS growth while copying one 1 GiB object (in a fresh child process).
// Before each measured step the guest's memory is primed and dirty pages are flushed (support.ts).
// Prints one line per figure and a JSON summary line. BENCH_SCALE (default 1) shrinks the data set
// for a smoke run; BENCH_SKIP_RSS=1 skips the 1 GiB case. Without rclone (or BENCH_RCLONE) the
// bench stops before measuring anything, with the command that installs it (support.ts).
import { execFile, spawn } from "child_process";
import * as crypto from "crypto";
import * as fsp from "fs/promises";
import * as os from "os";
import * as path from "path";
import { Readable } from "stream";
import { promisify } from "util";
import pLimit from "p-limit";
import { LocalDirectoryStore, sync, TRANSFER_DEFAULTS, type ObjectInfo, type ObjectStore } from "../../components/transfer";
import { OciStore } from "../../components/transfer/oci-store";
import { S3Store } from "../../components/transfer/s3-store";
import { makeOciTestAuth } from "../support/oci-signature";
import { startOciServerProcess } from "../support/oci-objectstorage-server";
import { listAll, writeOciConfigFile } from "../support/store-helpers";
import { startS3rver, S3RVER_CREDENTIALS, type S3rverHandle } from "../support/s3rver";
import type { EngineTarget } from "./sync-engine";
import { cpuPerGB, cpuSecondsOf, endedChildrenCpuSeconds, line as lineOf, primeGuestMemory, quietOciSdkWarnings, requireRclone, timed } from "./support";

const execFileAsync = promisify(execFile);
const MiB = 1024 * 1024;
const MB = 1e6;
const scale = Number(process.env.BENCH_SCALE ?? "1");
const CONCURRENCY = 16;
/** Size of the RSS case's single object (BENCH_RSS_MIB, default 1024). */
const rssMiB = Number(process.env.BENCH_RSS_MIB ?? "1024");
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? "3");
/** Objects in the many-small-objects data set (4-64 KiB each). */
const SMALL_OBJECTS = Math.max(10, Math.round(Number(process.env.BENCH_SMALL_OBJECTS ?? "20000") * scale));
// The engine's defaults (TRANSFER_DEFAULTS: 200 MiB single-PUT cutoff, as rclone's), like rclone's own.
const engineOptions = { concurrency: CONCURRENCY };
const multipartThreshold = TRANSFER_DEFAULTS.multipartThreshold;

quietOciSdkWarnings();

const line = (label: string, value: string) => lineOf(label, value, 34);

interface CpuProbe {
  label: string;
  pid?: number;
}

/** Runs `fn` and reports the CPU seconds each process used meanwhile (this one included). */
async function withCpu<T>(probes: CpuProbe[], fn: () => Promise<T>): Promise<{ value: T; cpu: Record<string, number> }> {
  const before = probes.map((p) => (p.pid ? cpuSecondsOf(p.pid) : 0));
  const self = process.cpuUsage();
  const value = await fn();
  const used = process.cpuUsage(self);
  const cpu: Record<string, number> = { engine: (used.user + used.system) / 1e6 };
  probes.forEach((p, i) => {
    if (p.pid) cpu[p.label] = cpuSecondsOf(p.pid) - before[i];
  });
  return { value, cpu };
}

function cpuTotal(cpu: Record<string, number>): number {
  return Object.values(cpu).reduce((a, b) => a + b, 0);
}

function cpuText(cpu: Record<string, number>, seconds: number): string {
  const total = cpuTotal(cpu);
  const parts = Object.entries(cpu).filter(([, v]) => v > 0.005).map(([k, v]) => `${k} ${v.toFixed(1)}`);
  return `cpu s: ${parts.join(", ")}; total ${total.toFixed(1)} of ${(seconds * os.cpus().length).toFixed(1)} available`;
}

async function writeDataSet(dir: string): Promise<{ objects: number; bytes: number }> {
  const small = Math.max(10, Math.round(400 * scale));
  const large = [80, 80, 80].map((m) => Math.max(1, Math.round(m * scale)) * MiB + 12345);
  let bytes = 0;
  const pool = crypto.randomBytes(4 * MiB);
  for (let i = 0; i < small; i++) {
    // 16 KiB .. ~240 KiB, average ~128 KiB; random content so nothing compresses or dedups.
    const size = 16 * 1024 + ((i * 7919) % (224 * 1024));
    const file = path.join(dir, "small", `part-${String(i).padStart(5, "0")}.parquet`);
    await fsp.mkdir(path.dirname(file), { recursive: true });
    const offset = (i * 104729) % (pool.length - size);
    await fsp.writeFile(file, Buffer.concat([crypto.randomBytes(64), pool.subarray(offset, offset + size - 64)]));
    bytes += size;
  }
  for (const [i, size] of large.entries()) {
    const file = path.join(dir, "large", `segment-${i}.bin`);
    await fsp.mkdir(path.dirname(file), { recursive: true });
    const handle = await fsp.open(file, "w");
    for (let written = 0; written < size; ) {
      const chunk = crypto.randomBytes(Math.min(8 * MiB, size - written));
      await handle.write(chunk);
      written += chunk.length;
    }
    await handle.close();
    bytes += size;
  }
  return { objects: small + large.length, bytes };
}

/** Many small objects, 4-64 KiB (random content, a unique head each), in 100 directories. */
async function writeSmallObjects(dir: string): Promise<{ objects: number; bytes: number }> {
  const pool = crypto.randomBytes(4 * MiB);
  let bytes = 0;
  for (let i = 0; i < SMALL_OBJECTS; i++) {
    const size = 4 * 1024 + ((i * 7919) % (60 * 1024 + 1));
    const file = path.join(dir, `d${String(i % 100).padStart(2, "0")}`, `obj-${String(i).padStart(6, "0")}.bin`);
    if (i < 100) await fsp.mkdir(path.dirname(file), { recursive: true });
    const offset = (i * 104729) % (pool.length - size);
    await fsp.writeFile(file, Buffer.concat([crypto.randomBytes(64), pool.subarray(offset + 64, offset + size)]));
    bytes += size;
  }
  return { objects: SMALL_OBJECTS, bytes };
}

/** A limit's throughput and the CPU seconds it took: this process (the client) and the server. */
interface RawRun {
  mbps: number;
  cpuSeconds: number;
}

/** GET every object (whole, as the engine reads them) at the given concurrency; bytes discarded. */
async function rawGet(store: ObjectStore, objects: ObjectInfo[], server: CpuProbe): Promise<RawRun> {
  const limit = pLimit(CONCURRENCY);
  const { value: { seconds }, cpu } = await withCpu([server], () => timed(() => Promise.all(objects.map((o) => limit(async () => {
    for await (const _chunk of await store.get(o.key)) {
      // discard
    }
  })))));
  return { mbps: objects.reduce((s, o) => s + o.size, 0) / MB / seconds, cpuSeconds: cpuTotal(cpu) };
}

/** PUT objects of the same sizes (single PUT with Content-MD5, MD5s computed before the clock starts). */
async function rawPut(store: ObjectStore, objects: ObjectInfo[], server: CpuProbe): Promise<RawRun> {
  const pool = crypto.randomBytes(96 * MiB);
  const bodies = objects.map((o, i) => {
    const start = (i * 65537) % Math.max(1, pool.length - o.size);
    const data = pool.subarray(start, start + o.size);
    return { key: `raw-put/${o.key}`, data, md5: crypto.createHash("md5").update(data).digest("hex") };
  });
  const limit = pLimit(CONCURRENCY);
  const { value: { seconds }, cpu } = await withCpu([server], () => timed(() => Promise.all(bodies.map((b) => limit(() =>
    store.put(b.key, Readable.from(chunks(b.data), { objectMode: false }), { size: b.data.length, md5: b.md5 }))))));
  return { mbps: bodies.reduce((s, b) => s + b.data.length, 0) / MB / seconds, cpuSeconds: cpuTotal(cpu) };
}

function* chunks(data: Buffer): Generator<Buffer> {
  for (let i = 0; i < data.length; i += 256 * 1024) yield data.subarray(i, i + 256 * 1024);
}

/** One client copy in a process of its own: wall seconds (process start to exit) and its CPU seconds (start-up included). */
interface ClientRun {
  seconds: number;
  cpu: number;
  bytes: number;
}

async function rclone(binary: string, src: S3rverHandle, dst: S3rverHandle, prefix: string, dstBucket: string): Promise<ClientRun> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.AWS_CA_BUNDLE; // breaks rclone's S3 backend on this machine (FACTS.md)
  for (const [name, handle] of [["SRC", src], ["DST", dst]] as const) {
    Object.assign(env, {
      [`RCLONE_CONFIG_${name}_TYPE`]: "s3", [`RCLONE_CONFIG_${name}_PROVIDER`]: "Other",
      [`RCLONE_CONFIG_${name}_ACCESS_KEY_ID`]: S3RVER_CREDENTIALS.accessKeyId, [`RCLONE_CONFIG_${name}_SECRET_ACCESS_KEY`]: S3RVER_CREDENTIALS.secretAccessKey,
      [`RCLONE_CONFIG_${name}_ENDPOINT`]: handle.directEndpoint, [`RCLONE_CONFIG_${name}_FORCE_PATH_STYLE`]: "true",
    });
  }
  const cpuBefore = endedChildrenCpuSeconds();
  const { seconds } = await timed(() => execFileAsync(binary, ["copy", "--checksum", "--transfers", String(CONCURRENCY), "--checkers", String(CONCURRENCY), `SRC:source/${prefix}`, `DST:${dstBucket}/${prefix}`], { env, maxBuffer: 16 * MiB }));
  const cpu = endedChildrenCpuSeconds() - cpuBefore;
  const copied = await listAll(new S3Store({ ...dst.clientOptions, endpoint: dst.directEndpoint, bucket: dstBucket, prefix }));
  return { seconds, cpu, bytes: copied.reduce((s, o) => s + o.size, 0) };
}

/**
 * The engine in a process of its own, started the way `npm run sync` starts (package.json: node
 * scripts/launch.cjs <entry>, a bundle cached by the sources' stamps): its result, wall seconds
 * and CPU. The entry is sync-engine.ts, not scripts/sync.ts: the command takes one --s3-endpoint
 * for both sides, and this copy goes from one s3rver to another as rclone's does.
 */
async function engineProcess(sourceEndpoint: string, prefix: string, target: EngineTarget): Promise<ClientRun & { copiedObjects: number; syncSeconds: number; startupCpu: number }> {
  const cpuBefore = endedChildrenCpuSeconds();
  const { seconds, value: out } = await timed(() => new Promise<string>((resolve, reject) => {
    // BENCH_ENGINE_NODE_FLAGS: extra Node flags for the engine's process only (e.g. --cpu-prof).
    const flags = (process.env.BENCH_ENGINE_NODE_FLAGS ?? "").split(" ").filter(Boolean);
    const child = spawn(process.execPath, [...flags, path.join(__dirname, "..", "..", "scripts", "launch.cjs"), path.join(__dirname, "sync-engine.ts"), JSON.stringify({ sourceEndpoint, prefix, target, concurrency: CONCURRENCY })], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let text = "";
    child.stdout!.on("data", (d) => (text += d));
    child.on("exit", (code) => (code === 0 ? resolve(text) : reject(new Error(`engine child exited with ${code}`))));
  }));
  const cpu = endedChildrenCpuSeconds() - cpuBefore;
  const result = JSON.parse(out.trim().split("\n").pop()!) as { copiedObjects: number; copiedBytes: number; seconds: number; startupCpuSeconds: number };
  return { seconds, cpu, bytes: result.copiedBytes, copiedObjects: result.copiedObjects, syncSeconds: result.seconds, startupCpu: result.startupCpuSeconds };
}

/** Child mode: copy one object S3 -> OCI and report RSS growth (baseline taken right before). */
async function rssChild(): Promise<void> {
  const cfg = JSON.parse(process.env.BENCH_RSS_CHILD!);
  const source = new S3Store({ endpoint: cfg.s3Endpoint, region: "us-east-1", forcePathStyle: true, credentials: S3RVER_CREDENTIALS, bucket: "source", prefix: "rss" });
  const { ConfigFileAuthenticationDetailsProvider } = require("oci-common") as typeof import("oci-common");
  const dest = new OciStore({ bucket: "rss", namespace: "testns", endpoint: cfg.ociEndpoint, auth: { kind: "provider", provider: new ConfigFileAuthenticationDetailsProvider(cfg.ociConfig, "DEFAULT") } });
  await listAll(source); // warm clients
  await listAll(dest);
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const { seconds, value } = await timed(() => sync(source, dest, engineOptions));
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  process.stdout.write(`${JSON.stringify({ baselineMB: baseline / MB, peakMB: peak / MB, growthMB: (peak - baseline) / MB, seconds, copied: value.copiedBytes })}\n`);
}

async function main(): Promise<void> {
  if (process.env.BENCH_RSS_CHILD) return rssChild();
  const rcloneBinary = requireRclone("bench:sync");
  const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), "bench-sync-"));
  const auth = makeOciTestAuth();
  const rounds = Array.from({ length: ROUNDS }, (_, i) => i);
  const src = await startS3rver({ buckets: ["source"], directory: path.join(tmp, "s3-src") });
  const dst = await startS3rver({ buckets: ["raw", ...rounds.flatMap((r) => [`engine${r}`, `rclone${r}`, `small-engine${r}`, `small-rclone${r}`])], directory: path.join(tmp, "s3-dst") });
  const oci = await startOciServerProcess({ buckets: ["raw", ...rounds.map((r) => `tenant${r}`), "rss"], keys: [auth] });
  try {
    const dataDir = path.join(tmp, "data");
    const set = await writeDataSet(dataDir);
    const source = new S3Store({ ...src.clientOptions, bucket: "source", prefix: "data" });
    await sync(new LocalDirectoryStore(dataDir), source, engineOptions);
    const objects = await listAll(source);
    line("data set", `${set.objects} objects, ${(set.bytes / MB).toFixed(1)} MB (${objects.filter((o) => o.size > multipartThreshold).length} multipart-sized)`);
    const smallDir = path.join(tmp, "small");
    const smallSet = await writeSmallObjects(smallDir);
    await sync(new LocalDirectoryStore(smallDir), new S3Store({ ...src.clientOptions, bucket: "source", prefix: "small" }), engineOptions);
    await fsp.rm(smallDir, { recursive: true, force: true });
    line("small-objects data set", `${smallSet.objects} objects of 4-64 KiB, ${(smallSet.bytes / MB).toFixed(1)} MB`);
    line("machine", `${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}; servers share them`);

    const ociStore = (bucket: string, prefix?: string) => new OciStore({ bucket, prefix, namespace: "testns", endpoint: oci.endpoint, auth: { kind: "provider", provider: auth.provider } });
    // Each measured step starts on equal terms: memory the guest has touched (support.ts says why;
    // the servers' page cache and every process's heap fit in twice the data set), no dirty pages.
    const ready = async () => {
      await primeGuestMemory(tmp, 2 * set.bytes + 256 * MiB);
      await execFileAsync("sync");
    };
    // The limits, best of the rounds like every other figure (the first round also warms the clients).
    let rawGetMBps = 0;
    let rawPutS3MBps = 0;
    let rawPutOciMBps = 0;
    // The least CPU (client and server) that moving the data set took each way, for the ceiling below.
    let getCpuSeconds = Infinity;
    let putOciCpuSeconds = Infinity;
    for (const r of rounds) {
      await ready();
      // Fresh clients each round: a pooled connection idle through the pause may be closed by the server as it is reused.
      const get = await rawGet(new S3Store({ ...src.clientOptions, bucket: "source", prefix: "data" }), objects, { label: "s3rver-src", pid: src.pid });
      await ready();
      const putS3 = await rawPut(new S3Store({ ...dst.clientOptions, bucket: "raw" }), objects, { label: "s3rver-dst", pid: dst.pid });
      await ready();
      const putOci = await rawPut(ociStore("raw"), objects, { label: "oci-server", pid: oci.pid });
      line(`  limits run ${r + 1}`, `GET s3rver ${get.mbps.toFixed(1)}, PUT s3rver ${putS3.mbps.toFixed(1)}, PUT OCI test server ${putOci.mbps.toFixed(1)} MB/s; cpu s (client + server): GET ${get.cpuSeconds.toFixed(2)}, PUT OCI ${putOci.cpuSeconds.toFixed(2)}`);
      rawGetMBps = Math.max(rawGetMBps, get.mbps);
      rawPutS3MBps = Math.max(rawPutS3MBps, putS3.mbps);
      rawPutOciMBps = Math.max(rawPutOciMBps, putOci.mbps);
      getCpuSeconds = Math.min(getCpuSeconds, get.cpuSeconds);
      putOciCpuSeconds = Math.min(putOciCpuSeconds, putOci.cpuSeconds);
    }
    line("raw GET s3rver", `${rawGetMBps.toFixed(1)} MB/s (concurrency ${CONCURRENCY})`);
    line("raw PUT s3rver", `${rawPutS3MBps.toFixed(1)} MB/s`);
    line("raw PUT OCI test server", `${rawPutOciMBps.toFixed(1)} MB/s`);

    // Engine and rclone alternate so that load changes on the shared machine hit both alike; each
    // copy is a process of its own, its CPU counted from start to exit (start-up included).
    const servers: CpuProbe[] = [{ label: "s3rver-src", pid: src.pid }, { label: "s3rver-dst", pid: dst.pid }, { label: "oci-server", pid: oci.pid }];
    const compare = async (name: string, prefix: string, bucketOf: (who: "engine" | "rclone", r: number) => string, expected: { objects: number; bytes: number }) => {
      const engine: ClientRun[] = [];
      const peer: ClientRun[] = [];
      const perGB = (run: ClientRun) => cpuPerGB(run.cpu, run.bytes).toFixed(2);
      const engineStep = async (r: number) => {
        await ready();
        const { value: run, cpu } = await withCpu(servers, () => engineProcess(src.directEndpoint, prefix, { kind: "s3", endpoint: dst.directEndpoint, bucket: bucketOf("engine", r), prefix }));
        if (run.copiedObjects !== expected.objects) throw new Error(`engine S3->S3 (${name}) copied ${run.copiedObjects} of ${expected.objects}`);
        engine.push(run);
        line(`  engine S3->S3 run ${r + 1}`, `${(run.bytes / MB / run.seconds).toFixed(1)} MB/s (${(run.bytes / MB / run.syncSeconds).toFixed(1)} in sync()), ${perGB(run)} cpu s/GB (start-up ${run.startupCpu.toFixed(2)} s of ${run.cpu.toFixed(2)}); ${cpuText({ ...cpu, engine: run.cpu }, run.seconds)}`);
      };
      const rcloneStep = async (r: number) => {
        await ready();
        const { value: run, cpu } = await withCpu(servers, () => rclone(rcloneBinary, src, dst, prefix, bucketOf("rclone", r)));
        if (run.bytes !== expected.bytes) throw new Error(`rclone (${name}) copied ${run.bytes} of ${expected.bytes} bytes`);
        peer.push(run);
        line(`  rclone S3->S3 run ${r + 1}`, `${(run.bytes / MB / run.seconds).toFixed(1)} MB/s, ${perGB(run)} cpu s/GB; ${cpuText({ ...cpu, engine: 0, rclone: run.cpu }, run.seconds)}`);
      };
      // They swap places every round, so that neither always runs in the same position.
      for (const r of rounds) {
        for (const step of r % 2 === 0 ? [engineStep, rcloneStep] : [rcloneStep, engineStep]) await step(r);
      }
      const mbps = (runs: ClientRun[]) => runs.map((run) => run.bytes / MB / run.seconds);
      const cpuGB = (runs: ClientRun[]) => runs.map((run) => cpuPerGB(run.cpu, run.bytes));
      const best = { engineMBps: Math.max(...mbps(engine)), rcloneMBps: Math.max(...mbps(peer)), engineCpuPerGB: Math.min(...cpuGB(engine)), rcloneCpuPerGB: Math.min(...cpuGB(peer)) };
      const list = (xs: number[]) => xs.map((v) => v.toFixed(2)).join(", ");
      line(`engine S3->S3 (${name})`, `${best.engineMBps.toFixed(1)} MB/s, ${best.engineCpuPerGB.toFixed(2)} cpu s/GB (runs: ${list(mbps(engine))} MB/s; ${list(cpuGB(engine))} s/GB)`);
      line(`rclone --checksum (${name})`, `${best.rcloneMBps.toFixed(1)} MB/s, ${best.rcloneCpuPerGB.toFixed(2)} cpu s/GB (runs: ${list(mbps(peer))} MB/s; ${list(cpuGB(peer))} s/GB)`);
      line(`  ratios (${name})`, `throughput ${(best.engineMBps / best.rcloneMBps).toFixed(2)}, cpu per GB ${(best.engineCpuPerGB / best.rcloneCpuPerGB).toFixed(2)} (ours / rclone's; wall and cpu from process start to exit)`);
      return best;
    };
    const mixed = await compare("mixed", "data", (who, r) => `${who}${r}`, { objects: objects.length, bytes: set.bytes });
    const small = await compare("small objects", "small", (who, r) => `small-${who}${r}`, smallSet);

    // In this process, as the limits it is compared with were measured (no process start-up).
    const ociRuns: number[] = [];
    const ociCpuPerGB: number[] = [];
    for (const r of rounds) {
      await ready();
      const { value: ociRun, cpu: ociCpu } = await withCpu(servers, () => timed(() => sync(source, ociStore(`tenant${r}`, "data"), engineOptions)));
      if (ociRun.value.copiedObjects !== objects.length) throw new Error(`engine S3->OCI copied ${ociRun.value.copiedObjects} of ${objects.length}`);
      ociRuns.push(ociRun.value.copiedBytes / MB / ociRun.seconds);
      ociCpuPerGB.push(cpuPerGB(ociCpu.engine, ociRun.value.copiedBytes));
      line(`  engine S3->OCI run ${r + 1}`, `${ociRuns[r].toFixed(1)} MB/s, ${ociCpuPerGB[r].toFixed(2)} cpu s/GB (in this process, no start-up); ${cpuText(ociCpu, ociRun.seconds)}`);
    }
    const engineOciMBps = Math.max(...ociRuns);
    const limitMBps = Math.min(rawGetMBps, rawPutOciMBps);
    line("engine S3->OCI", `${engineOciMBps.toFixed(1)} MB/s (limit min(GET, PUT) = ${limitMBps.toFixed(1)} MB/s)`);
    const tenant = ociStore(`tenant${rounds.length - 1}`, "data");
    // GET and PUT were measured alone; copying runs both at once on the same cores. A copy does at
    // least the work of both (each byte served by s3rver, received, sent, and received, hashed and
    // stored by the OCI test server), so its CPU cannot be less than the raw GET's plus the raw
    // PUT's, spread perfectly over every core: the most any client could reach on this machine.
    const cpuCeilingMBps = set.bytes / MB / ((getCpuSeconds + putOciCpuSeconds) / os.cpus().length);
    line("  CPU ceiling on this machine", `${cpuCeilingMBps.toFixed(1)} MB/s = ${(cpuCeilingMBps / limitMBps).toFixed(2)} of the limit (data / ((GET + PUT cpu s) / ${os.cpus().length} cores))`);

    // Sub-second figures: alternate 5 of each and compare medians.
    const noChangeTimes: number[] = [];
    const bareTimes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const run = await timed(() => sync(source, tenant, engineOptions));
      if (run.value.copiedBytes !== 0) throw new Error(`the no-change run copied ${run.value.copiedBytes} bytes`);
      noChangeTimes.push(run.seconds);
      bareTimes.push((await timed(() => Promise.all([listAll(source), listAll(tenant)]))).seconds);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const noChange = { seconds: median(noChangeTimes) };
    const bare = { seconds: median(bareTimes) };
    line("no-change re-run S3->OCI", `${noChange.seconds.toFixed(3)} s vs bare listing of both sides ${bare.seconds.toFixed(3)} s (medians of 5)`);

    let rssGrowthMB = Number.NaN;
    if (process.env.BENCH_SKIP_RSS !== "1") {
      const big = path.join(tmp, "rss-data");
      await fsp.mkdir(big, { recursive: true });
      const handle = await fsp.open(path.join(big, "one-gib.bin"), "w");
      for (let i = 0; i < rssMiB / 8; i++) await handle.write(crypto.randomBytes(8 * MiB));
      await handle.close();
      await sync(new LocalDirectoryStore(big), new S3Store({ ...src.clientOptions, bucket: "source", prefix: "rss" }), engineOptions);
      await fsp.rm(big, { recursive: true, force: true });
      const ociConfig = await writeOciConfigFile(tmp, auth);
      const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx", __filename], {
        env: { ...process.env, BENCH_RSS_CHILD: JSON.stringify({ s3Endpoint: src.endpoint, ociEndpoint: oci.endpoint, ociConfig }) },
        stdio: ["ignore", "pipe", "inherit"],
      });
      let out = "";
      child.stdout!.on("data", (d) => (out += d));
      const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
      if (code !== 0) throw new Error(`RSS child exited with ${code}`);
      const rss = JSON.parse(out.trim().split("\n").pop()!);
      rssGrowthMB = rss.growthMB;
      line(`${rssMiB} MiB object S3->OCI`, `RSS growth ${rss.growthMB.toFixed(1)} MB (baseline ${rss.baselineMB.toFixed(1)} MB, peak ${rss.peakMB.toFixed(1)} MB), ${(rss.copied / MB / rss.seconds).toFixed(1)} MB/s`);
    }

    const summary = {
      bench: "sync",
      cpuRatio: round(mixed.engineCpuPerGB / mixed.rcloneCpuPerGB),
      rcloneRatio: round(mixed.engineMBps / mixed.rcloneMBps),
      smallObjectsCpuRatio: round(small.engineCpuPerGB / small.rcloneCpuPerGB),
      smallObjectsRcloneRatio: round(small.engineMBps / small.rcloneMBps),
      engineCpuSecondsPerGB: round(mixed.engineCpuPerGB),
      rcloneCpuSecondsPerGB: round(mixed.rcloneCpuPerGB),
      smallObjectsEngineCpuSecondsPerGB: round(small.engineCpuPerGB),
      smallObjectsRcloneCpuSecondsPerGB: round(small.rcloneCpuPerGB),
      engineS3ToOciCpuSecondsPerGB: round(Math.min(...ociCpuPerGB)),
      limitRatio: round(engineOciMBps / limitMBps),
      cpuCeilingLimitRatio: round(cpuCeilingMBps / limitMBps),
      noChangeRatio: round(noChange.seconds / bare.seconds),
      rssGrowthMB: round(rssGrowthMB),
      engineS3ToS3MBps: round(mixed.engineMBps),
      rcloneS3ToS3MBps: round(mixed.rcloneMBps),
      smallObjectsEngineMBps: round(small.engineMBps),
      smallObjectsRcloneMBps: round(small.rcloneMBps),
      engineS3ToOciMBps: round(engineOciMBps),
      rawGetMBps: round(rawGetMBps),
      rawPutOciMBps: round(rawPutOciMBps),
      rawPutS3MBps: round(rawPutS3MBps),
      noChangeSeconds: round(noChange.seconds),
      bareListingSeconds: round(bare.seconds),
      objects: set.objects,
      megabytes: round(set.bytes / MB),
      smallObjects: smallSet.objects,
      smallObjectsMegabytes: round(smallSet.bytes / MB),
      concurrency: CONCURRENCY,
    };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } finally {
    await src.close();
    await dst.close();
    await oci.close();
    await fsp.rm(tmp, { recursive: true, force: true });
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${err?.stack ?? err}\n`);
    process.exit(1);
  },
);
