// Benchmark of hydration (npm run bench:hydrate; not part of npm test). Side by side in one run
// on one data set, on 127.0.0.1. The OCI test server runs in this process, which does nothing
// else while it is measured; every client is a process of its own:
//   - the limit: raw GET-only throughput of the OCI test server (raw-get.ts: bodies drained,
//     nothing written, nothing hashed), at the agent's concurrency, and the CPU it took; with the
//     CPU of hashing and writing the data set from memory, the CPU ceiling: the most any verified
//     load could reach on this machine;
//   - the agent: the bundled node agent (--once, with the unit's Node flags) loading the generation
//     from the OCI test server into a local data root: staging, MD5 of every file, verification
//     pass, flush, atomic switch;
//   - rclone: `rclone copy` from s3rver (its own process) holding the same data into a local
//     directory (rclone checks the MD5 of what it downloads against the ETag).
// Alternating rounds (BENCH_ROUNDS, default 4; the agent and rclone swap order each round), best of
// each. Before each measured step the guest's memory is primed (support.ts: this VM hands freed
// memory back to its host, and writing into it again cost the agent 1.3 s more system time than
// rclone) and the page cache's dirty pages are flushed (`sync`), so that no step pays for the
// previous step's writeback (without it rclone's figure swung from 261 to 476 MB/s with its
// system time, 0.3 to 1.9 s).
// Both clients' CPU is counted from process start to exit (start-up included, the servers not):
// CPU seconds per GB for each, and `cpuRatio` (agent / rclone, the least of the rounds for each).
// Prints one line per figure and a JSON summary line. BENCH_SCALE (default 1) scales the data set.
// Without rclone (or BENCH_RCLONE) the bench stops before measuring anything, with the command
// that installs it (support.ts).
import { execFile, spawn } from "child_process";
import * as crypto from "crypto";
import { writeFileSync } from "fs";
import * as fsp from "fs/promises";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { CONTROL_KEYS, receiptSchema } from "../../components/hydration/control";
import { getJson, putJson } from "../../components/hydration/control-io";
import { buildAgentBundle } from "../../components/hydration/agent/bundle";
import { AGENT_NODE_FLAGS, agentNodeEnvironment } from "../../components/hydration/userdata";
import { manifestForGeneration } from "../../components/hydration/manifest";
import { LocalDirectoryStore, sync } from "../../components/transfer";
import { OciStore } from "../../components/transfer/oci-store";
import { S3Store } from "../../components/transfer/s3-store";
import { makeOciTestAuth } from "../support/oci-signature";
import { OciObjectStorageServer } from "../support/oci-objectstorage-server";
import { startS3rver, S3RVER_CREDENTIALS } from "../support/s3rver";
import { writeOciConfigFile } from "../support/store-helpers";
import { cpuPerGB, cpuSecondsOf, endedChildrenCpu, line, primeGuestMemory, quietOciSdkWarnings, requireRclone, timed } from "./support";

const execFileAsync = promisify(execFile);
const MiB = 1024 * 1024;
const MB = 1e6;
const scale = Number(process.env.BENCH_SCALE ?? "1");
const CONCURRENCY = 16;
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? "4"));
const BUCKET = "tenant";
const PREFIX = "warehouse/";
const ROOT = path.resolve(__dirname, "..", "..");

quietOciSdkWarnings();

/** Data files as a query node holds them: mostly 8 MiB column files, two large multipart-sized ones. */
async function writeDataSet(dir: string): Promise<{ objects: number; bytes: number }> {
  const files: [string, number][] = [];
  const medium = Math.max(4, Math.round(40 * scale));
  for (let i = 0; i < medium; i++) files.push([`tables/t${i % 4}/part-${String(i).padStart(4, "0")}.parquet`, 8 * MiB]);
  for (let i = 0; i < 2; i++) files.push([`tables/big/segment-${i}.bin`, Math.max(8, Math.round(96 * scale)) * MiB]);
  let bytes = 0;
  for (const [key, size] of files) {
    const file = path.join(dir, ...key.split("/"));
    await fsp.mkdir(path.dirname(file), { recursive: true });
    await fsp.writeFile(file, crypto.randomBytes(size));
    bytes += size;
  }
  return { objects: files.length, bytes };
}

/** Runs a script in its own Node process and returns its stdout (throws with its output on failure). */
function runProcess(args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`${args.join(" ")} exited ${code}:\n${out}${err}`))));
  });
}

async function main(): Promise<void> {
  const rcloneBinary = requireRclone("bench:hydrate");
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "hydrate-bench-"));
  const auth = makeOciTestAuth();
  const oci = new OciObjectStorageServer({ buckets: [BUCKET], publicKeys: new Map([[auth.keyId, auth.publicKey]]), directory: path.join(dir, "oci"), idleTimeoutMs: 30 * 60_000 });
  await fsp.mkdir(path.join(dir, "oci"));
  await oci.start();
  const s3 = await startS3rver({ buckets: [BUCKET] });
  try {
    const source = path.join(dir, "source");
    const data = await writeDataSet(source);
    line("data set", `${data.objects} objects, ${(data.bytes / MB).toFixed(0)} MB`);

    // The same bytes into both servers, with the transfer engine (as DataSync would).
    const common = { bucket: BUCKET, namespace: "testns", region: "us-ashburn-1", endpoint: oci.endpoint };
    const ociData = new OciStore({ ...common, prefix: PREFIX, auth: { kind: "provider", provider: auth.provider } });
    const ociControl = new OciStore({ ...common, prefix: "_tundra/hydration/", auth: { kind: "provider", provider: auth.provider } });
    // The two large files go up multipart (as DataSync stores objects above its cutoff), so the
    // agent meets both kinds: single-part objects with an MD5, multipart ones with a part layout.
    const synced = await sync(new LocalDirectoryStore(source), ociData, { concurrency: CONCURRENCY, multipartThreshold: 64 * MiB });
    await sync(new LocalDirectoryStore(source), new S3Store({ bucket: BUCKET, prefix: PREFIX, ...s3.clientOptions }), { concurrency: CONCURRENCY });
    const generation = synced.manifestDigest!;

    // Clients in other processes sign with an OCI config file, as the agent does off-OCI.
    const ociConfig = await writeOciConfigFile(dir, auth);

    const agentScript = path.join(dir, "agent.js");
    await fsp.writeFile(agentScript, buildAgentBundle().script);
    await manifestForGeneration(ociData, ociControl, PREFIX, generation);
    const rcloneEnv: NodeJS.ProcessEnv = { ...process.env };
    delete rcloneEnv.AWS_CA_BUNDLE; // set on this machine; breaks rclone's S3 backend
    Object.assign(rcloneEnv, {
      RCLONE_CONFIG_BENCH_TYPE: "s3", RCLONE_CONFIG_BENCH_PROVIDER: "Other", RCLONE_CONFIG_BENCH_ENDPOINT: s3.endpoint,
      RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId, RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE: "true",
    });

    // 1. The limit: GET-only, bodies drained. Its CPU (the client's while it read, and the
    // server's: this process serves and does nothing else meanwhile) feeds the ceiling below.
    async function rawRound(): Promise<{ mbps: number; cpuSeconds: number }> {
      const serverCpu = process.cpuUsage();
      const raw = JSON.parse(await runProcess(["--import", "tsx", path.join(__dirname, "raw-get.ts"), JSON.stringify({
        endpoint: oci.endpoint, namespace: "testns", bucket: BUCKET, prefix: PREFIX, ociConfigFile: ociConfig, concurrency: CONCURRENCY,
      })])) as { bytes: number; seconds: number; cpuSeconds: number };
      const served = process.cpuUsage(serverCpu);
      if (raw.bytes !== data.bytes) throw new Error(`raw GET read ${raw.bytes} bytes of ${data.bytes}`);
      const mbps = raw.bytes / MB / raw.seconds;
      const cpuSeconds = raw.cpuSeconds + (served.user + served.system) / 1e6;
      line("raw GET (OCI test server, limit)", `${mbps.toFixed(1)} MB/s  (${raw.seconds.toFixed(2)} s, concurrency ${CONCURRENCY}; cpu s, client + server: ${cpuSeconds.toFixed(2)})`);
      return { mbps, cpuSeconds };
    }

    // What every verified load must add to the raw GET's work: the MD5 of every byte and writing
    // every byte into the page cache (measured here, in this process, from memory; the flush to
    // disk is left out, so the ceiling is generous).
    async function localWorkRound(): Promise<{ md5Seconds: number; writeSeconds: number }> {
      const scratch = path.join(dir, "local-work");
      await fsp.mkdir(scratch);
      let md5Seconds = 0;
      let writeSeconds = 0;
      const files = (await fsp.readdir(source, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
      for (const [i, entry] of files.entries()) {
        const bytes = await fsp.readFile(path.join(entry.parentPath, entry.name));
        let cpu = process.cpuUsage();
        crypto.createHash("md5").update(bytes).digest("hex");
        let used = process.cpuUsage(cpu);
        md5Seconds += (used.user + used.system) / 1e6;
        cpu = process.cpuUsage();
        writeFileSync(path.join(scratch, `f${i}`), bytes);
        used = process.cpuUsage(cpu);
        writeSeconds += (used.user + used.system) / 1e6;
      }
      await fsp.rm(scratch, { recursive: true, force: true });
      line("MD5 + page-cache writes, from memory", `${md5Seconds.toFixed(2)} + ${writeSeconds.toFixed(2)} cpu s`);
      return { md5Seconds, writeSeconds };
    }

    // A client's CPU since `before`, and its per-GB user/system split for the round's line.
    const spentSince = (before: { user: number; system: number }) => {
      const now = endedChildrenCpu();
      const user = now.user - before.user;
      const system = now.system - before.system;
      return { seconds: user + system, split: `(user ${cpuPerGB(user, data.bytes).toFixed(2)} + sys ${cpuPerGB(system, data.bytes).toFixed(2)})` };
    };

    // 2. The agent, as nodes run it: bundled script, own process, one poll, an empty data root.
    async function agentRound(round: number): Promise<{ mbps: number; cpuPerGB: number }> {
      const node = `node-${round}`;
      const dataRoot = path.join(dir, node);
      await fsp.mkdir(dataRoot);
      const agentConfig = path.join(dir, `${node}.json`);
      await fsp.writeFile(agentConfig, JSON.stringify({
        schemaVersion: 1, node, region: "us-ashburn-1", namespace: "testns", bucket: BUCKET, prefix: PREFIX,
        dataRoot, auth: { configFile: ociConfig }, endpoint: oci.endpoint,
      }));
      await putJson(ociControl, CONTROL_KEYS.desired, {
        schemaVersion: 1, generation, prefix: PREFIX, requestId: crypto.randomUUID(), requestedAt: new Date().toISOString(), nodes: [node], concurrency: CONCURRENCY,
      });
      const childCpu = endedChildrenCpu();
      const serverCpu = process.cpuUsage();
      // BENCH_AGENT_NODE_FLAGS: extra Node flags for the agent's process (e.g. --cpu-prof).
      const extraFlags = (process.env.BENCH_AGENT_NODE_FLAGS ?? "").split(" ").filter(Boolean);
      // With the unit's environment: its compile cache lives here for the whole bench, as a node's
      // /var/cache does across the agent's starts (the first round compiles, as a node's first start does).
      const run = await timed(() => runProcess([...AGENT_NODE_FLAGS, ...extraFlags, agentScript, "--config", agentConfig, "--once"], agentNodeEnvironment(path.join(dir, "var-cache"))));
      const served = process.cpuUsage(serverCpu);
      const { seconds: agentCpu, split } = spentSince(childCpu);
      const cpu = `cpu s: agent ${agentCpu.toFixed(2)} (start-up included) = ${cpuPerGB(agentCpu, data.bytes).toFixed(2)} per GB ${split}, server ${((served.user + served.system) / 1e6).toFixed(2)}`;
      const receipt = (await getJson(ociControl, CONTROL_KEYS.receipt(node), receiptSchema))!;
      if (receipt.status !== "ok" || receipt.verifiedDigest !== generation) throw new Error(`agent did not load the generation: ${JSON.stringify(receipt)}`);
      const mbps = receipt.bytes / MB / (receipt.durationMs / 1000);
      line("agent OCI -> local (verified, live)", `${mbps.toFixed(1)} MB/s  (${(receipt.durationMs / 1000).toFixed(2)} s in the agent; ${run.seconds.toFixed(2)} s with process start; ${cpu})`);
      await fsp.rm(dataRoot, { recursive: true, force: true });
      return { mbps, cpuPerGB: cpuPerGB(agentCpu, data.bytes) };
    }

    // 3. rclone copy from s3rver into an empty local directory.
    async function rcloneRound(round: number): Promise<{ mbps: number; cpuPerGB: number }> {
      const dest = path.join(dir, `rclone-${round}`);
      const childCpu = endedChildrenCpu();
      const serverCpu = cpuSecondsOf(s3.pid);
      const rclone = await timed(() => execFileAsync(rcloneBinary, ["copy", `bench:${BUCKET}/${PREFIX}`, dest, "--transfers", String(CONCURRENCY), "--checkers", String(CONCURRENCY),
        // One recursive listing: s3rver answers a delimited listing of nested prefixes with nothing.
        "--fast-list", "-v"], { env: rcloneEnv }));
      const { seconds: rcloneCpu, split } = spentSince(childCpu);
      const cpu = `cpu s: rclone ${rcloneCpu.toFixed(2)} = ${cpuPerGB(rcloneCpu, data.bytes).toFixed(2)} per GB ${split}, server ${(cpuSecondsOf(s3.pid) - serverCpu).toFixed(2)}`;
      const copied = (await execFileAsync("du", ["-sb", dest]).catch(() => ({ stdout: "0\t" }))).stdout.split("\t")[0];
      if (Number(copied) < data.bytes) throw new Error(`rclone copied ${copied} bytes of ${data.bytes}:\n${rclone.value.stderr}`);
      const mbps = data.bytes / MB / rclone.seconds;
      line("rclone copy s3rver -> local", `${mbps.toFixed(1)} MB/s  (${rclone.seconds.toFixed(2)} s, --transfers ${CONCURRENCY}; ${cpu})`);
      await fsp.rm(dest, { recursive: true, force: true });
      return { mbps, cpuPerGB: cpuPerGB(rcloneCpu, data.bytes) };
    }

    // Alternating rounds, best of each: the machine is shared, a single run is at its mercy.
    let rawMBps = 0;
    let rawCpuSeconds = Infinity;
    let localCpuSeconds = Infinity;
    let agentMBps = 0;
    let rcloneMBps = 0;
    const agentCpuPerGB: number[] = [];
    const rcloneCpuPerGB: number[] = [];
    // Each step starts on equal terms: memory the guest has touched (primeGuestMemory says why;
    // twice the data set covers the step's page cache and its processes' heaps), no dirty pages.
    const flushed = async <T>(step: () => Promise<T>): Promise<T> => {
      await primeGuestMemory(dir, 2 * data.bytes + 256 * MiB);
      await execFileAsync("sync");
      return step();
    };
    // The agent and rclone swap places every round, so that neither always runs in the same position.
    const agentStep = async (round: number) => {
      const run = await flushed(() => agentRound(round));
      agentMBps = Math.max(agentMBps, run.mbps);
      agentCpuPerGB.push(run.cpuPerGB);
    };
    const rcloneStep = async (round: number) => {
      const run = await flushed(() => rcloneRound(round));
      rcloneMBps = Math.max(rcloneMBps, run.mbps);
      rcloneCpuPerGB.push(run.cpuPerGB);
    };
    for (let round = 0; round < ROUNDS; round++) {
      const raw = await flushed(rawRound);
      rawMBps = Math.max(rawMBps, raw.mbps);
      rawCpuSeconds = Math.min(rawCpuSeconds, raw.cpuSeconds);
      const local = await flushed(localWorkRound);
      localCpuSeconds = Math.min(localCpuSeconds, local.md5Seconds + local.writeSeconds);
      for (const step of round % 2 === 0 ? [agentStep, rcloneStep] : [rcloneStep, agentStep]) await step(round);
    }
    line(`best of ${ROUNDS}`, `raw GET ${rawMBps.toFixed(1)}, agent ${agentMBps.toFixed(1)}, rclone ${rcloneMBps.toFixed(1)} MB/s`);
    const agentCpu = Math.min(...agentCpuPerGB);
    const rcloneCpu = Math.min(...rcloneCpuPerGB);
    const list = (xs: number[]) => xs.map((v) => v.toFixed(2)).join(", ");
    line("client cpu s per GB (least)", `agent ${agentCpu.toFixed(2)} (runs: ${list(agentCpuPerGB)}), rclone ${rcloneCpu.toFixed(2)} (runs: ${list(rcloneCpuPerGB)}); ratio ${(agentCpu / rcloneCpu).toFixed(2)}`);
    // The most any verified load could reach here: the raw GET's CPU (client and server) plus the
    // MD5 and the writes, spread perfectly over every core (least of the rounds for each).
    const cores = os.cpus().length;
    const cpuCeilingMBps = data.bytes / MB / ((rawCpuSeconds + localCpuSeconds) / cores);
    line("CPU ceiling on this machine", `${cpuCeilingMBps.toFixed(1)} MB/s = ${(cpuCeilingMBps / rawMBps).toFixed(2)} of the limit (data / ((raw GET + MD5 + writes cpu s) / ${cores} cores))`);

    const hundredGbMinutes = 100e3 / agentMBps / 60;
    line("100 GB at the agent's rate here", `${hundredGbMinutes.toFixed(1)} min (loopback, 2 shared cores)`);
    process.stdout.write(`${JSON.stringify({
      bench: "hydrate",
      objects: data.objects,
      dataMB: Math.round(data.bytes / MB),
      rawGetMBps: +rawMBps.toFixed(1),
      agentMBps: +agentMBps.toFixed(1),
      rcloneMBps: +rcloneMBps.toFixed(1),
      cpuRatio: +(agentCpu / rcloneCpu).toFixed(2),
      rcloneRatio: +(agentMBps / rcloneMBps).toFixed(2),
      agentCpuSecondsPerGB: +agentCpu.toFixed(2),
      rcloneCpuSecondsPerGB: +rcloneCpu.toFixed(2),
      limitRatio: +(agentMBps / rawMBps).toFixed(2),
      cpuCeilingLimitRatio: +(cpuCeilingMBps / rawMBps).toFixed(2),
      hundredGbMinutesHere: +hundredGbMinutes.toFixed(1),
      rounds: ROUNDS,
    })}\n`);
  } finally {
    await Promise.allSettled([oci.close(), s3.close()]);
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
