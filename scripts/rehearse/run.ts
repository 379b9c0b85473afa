// The rehearsal: a whole tenant migration on this machine. Starts the stand-ins (s3rver with a
// generated tenant data set, the OCI Object Storage server, the Route53 server, Tundra stand-ins
// for AWS and for each node behind a load balancer), writes the rehearsal stack, runs `pulumi up`
// of the real program (scripts/rehearse/up.ts) while it starts the nodes the program declares,
// measures the query load through the cutover, asks the decommission guard, and reports.
import { fork } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { assessDecommission } from "../../components/decommission/assess";
import { sync } from "../../components/transfer";
import { LocalDirectoryStore } from "../../components/transfer/local-store";
import { S3Store } from "../../components/transfer/s3-store";
import { digest } from "../plan/mocks";
import { makeOciTestAuth } from "../../test/support/oci-signature";
import { OciObjectStorageServer } from "../../test/support/oci-objectstorage-server";
import { startRoute53Server, type Route53Server, type RecordSet } from "../../test/support/route53-server";
import { startS3rver, type S3rverHandle } from "../../test/support/s3rver";
import { writeOciConfigFile } from "../../test/support/store-helpers";
import { QueryLoad, p95 } from "./load";
import { fetchAgent, liveGeneration, startNode, type NodeProcess } from "./nodes";
import type { StageName, UpEvent, UpRequest } from "./protocol";
import { GATE_MAX_P95_MS, LISTENER_PORT, RECORD_NAME, REHEARSAL_STACK, SET_IDS, SOURCE_BUCKET, SOURCE_PREFIX, ZONE_NAME, rehearsalStackYaml } from "./stack";
import { answerFor, startLoadBalancerStandIn, startTundraStandIn, type Listening, type LoadBalancerStandIn } from "./tundra-standin";

export const FAULTS = ["sync", "hydrate", "validate", "gate"] as const;
export type FaultPoint = (typeof FAULTS)[number];

export interface RehearsalOptions {
  workDir: string;
  files: number;
  sizeMiB: number;
  again: boolean;
  keep: boolean;
  failAt?: FaultPoint;
  /** One line per event (progress, node, step) goes here. */
  log: (line: string) => void;
  /** The transfers' progress (objects at the destination / objects to copy). */
  progress?: (done: number, total: number) => void;
  /** Ctrl-C: stop, clean up, reject with Interrupted. */
  signal?: AbortSignal;
}

export class Interrupted extends Error {}

export interface StepReport {
  ociPercent: number;
  awsWeight: number;
  ociWeight: number;
  startedAtMs: number;
  endedAtMs: number;
  queries: number;
  failed: number;
  p95Ms: number;
  /** Share of this step's queries that reached OCI (0..1). */
  realizedOciShare: number;
  /** The gates' verdict on this step (null: no gate ran at these weights, e.g. before the walk or after a rollback). */
  gate?: "passed" | "failed" | null;
  gateDetail?: string | null;
}

export interface RunReport {
  /** Which `pulumi up` (1 = the first; a resumed or --again run adds one). */
  run: number;
  outcome: "succeeded" | "failed";
  failedStage?: StageName;
  reason?: string;
  ops: Record<string, string>;
}

export interface RehearsalReport {
  schemaVersion: 1;
  /** When the rehearsal started (ISO); timeline times are ms since then. */
  startedAt: string;
  outcome: "completed" | "stopped";
  failAt: FaultPoint | null;
  again: boolean;
  /** What happened, in one sentence per stage that did not simply succeed. */
  story: string[];
  plan: { resources: number; byType: Record<string, number> };
  runs: RunReport[];
  dataSet: { objects: number; bytes: number };
  /** op: what this rehearsal's last `up` did to the DataSync ("same": nothing copied; the figures are the stored state's). */
  sync: null | { op: string; objects: number; multipartObjects: number; bytes: number; copiedObjects: number; copiedBytes: number; skippedObjects: number; verified: boolean; throughputMBps: number; seconds: number; manifestDigest: string; complete: boolean; attempts: { copiedObjects: number; complete: boolean }[] };
  hydration: null | { generation: string; complete: boolean; nodes: { name: string; seconds: number | null; live: string | null; status: unknown }[] };
  validation: null | { passed: boolean; report: string };
  cutover: null | { status: string; walked: boolean; finalOciPercent: number; rolledBack: boolean; steps: StepReport[]; history: unknown[]; error?: string };
  load: { queries: number; failed: number; p95Ms: number; ociShare: number; timeline: { at: number; ociPercent: number; side: string; ok: boolean; ms: number }[] };
  decommission: { safe: boolean; blockers: string[] };
  totalSeconds: number;
  artifacts: { workDir: string; kept: boolean; json: string; html: string };
}

/** Everything the rehearsal started, stopped in reverse order (also on Ctrl-C and on a stand-in's crash). */
export class Cleanup {
  private readonly steps: { what: string; run: () => Promise<void> | void }[] = [];
  add(what: string, run: () => Promise<void> | void): void {
    this.steps.push({ what, run });
  }
  async run(): Promise<void> {
    while (this.steps.length > 0) {
      const step = this.steps.pop()!;
      try {
        await step.run();
      } catch {
        // keep going: every other process and directory must still go
      }
    }
  }
}

export class RehearsalRefused extends Error {}

/** The `gate` fault's extra latency on the OCI side: twice the gate's p95 bound. */
const GATE_FAULT_LATENCY_MS = GATE_MAX_P95_MS * 2;

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves once `ready()` holds, or after `ms` (the caller then goes on and the report shows why). */
async function until(ready: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ready() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

/** A tenant data set: `files` objects of mixed sizes adding up to about `sizeMiB`, deterministic content. */
export function writeDataSet(dir: string, files: number, sizeMiB: number): { objects: number; bytes: number } {
  const total = sizeMiB * 1024 * 1024;
  let bytes = 0;
  for (let i = 0; i < files; i++) {
    // Sizes grow with i (a few large tables, many small ones).
    const weight = (i + 1) / ((files * (files + 1)) / 2);
    const size = Math.max(1, Math.round(total * weight));
    const name = path.join(dir, `table-${String(i % 5).padStart(2, "0")}`, `part-${String(i).padStart(4, "0")}.parquet`);
    fs.mkdirSync(path.dirname(name), { recursive: true });
    const content = Buffer.alloc(size);
    let seed = crypto.createHash("sha256").update(`acme-${i}`).digest();
    for (let off = 0; off < size; off += seed.length) {
      seed.copy(content, off);
      seed = crypto.createHash("sha256").update(seed).digest();
    }
    fs.writeFileSync(name, content);
    bytes += size;
  }
  return { objects: files, bytes };
}

interface Servers {
  s3: S3rverHandle;
  oci: OciObjectStorageServer;
  route53: Route53Server;
  aws: Listening;
  lb: LoadBalancerStandIn;
  ociConfigFile: string;
  zoneId: string;
}

export async function rehearse(opts: RehearsalOptions): Promise<RehearsalReport> {
  const t0 = Date.now();
  const cleanup = new Cleanup();
  const log = opts.log;
  const dirs = {
    root: opts.workDir,
    source: path.join(opts.workDir, "aws-data"),
    s3: path.join(opts.workDir, "s3"),
    oci: path.join(opts.workDir, "oci"),
    nodes: path.join(opts.workDir, "nodes"),
    keys: path.join(opts.workDir, "keys"),
    lock: path.join(opts.workDir, "rehearsal.lock"),
    /** Says the directory is a rehearsal's: only such a directory is ever emptied. */
    marker: path.join(opts.workDir, ".tundra-rehearsal"),
    state: path.join(opts.workDir, "state.json"),
    route53: path.join(opts.workDir, "route53.json"),
    ports: path.join(opts.workDir, "ports.json"),
    ociIndex: path.join(opts.workDir, "oci-index.json"),
    stackFile: path.join(opts.workDir, `Pulumi.${REHEARSAL_STACK}.yaml`),
  };
  // Refuse before starting anything.
  if (fs.existsSync(dirs.lock)) {
    const pid = Number(fs.readFileSync(dirs.lock, "utf8"));
    if (pidAlive(pid)) throw new RehearsalRefused(`${opts.workDir} is in use by another rehearsal (pid ${pid}): wait for it, or pass --work-dir <another directory>`);
  }
  if (!(await portFree(LISTENER_PORT))) throw new RehearsalRefused(`127.0.0.1:${LISTENER_PORT} is in use: the stand-in load balancer listens there (tundra:loadBalancer.listenerPort of the rehearsal stack). Stop what holds it and run again.`);
  if (opts.again && !fs.existsSync(dirs.state)) throw new RehearsalRefused(`--again needs the kept data of a first run in ${opts.workDir}: run \`npm run rehearse -- --keep\` first`);
  if (!opts.again && fs.existsSync(opts.workDir)) {
    if (fs.readdirSync(opts.workDir).length > 0 && !fs.existsSync(dirs.marker)) throw new RehearsalRefused(`${opts.workDir} exists and is not a rehearsal's directory: pass --work-dir <an empty or new directory>`);
    fs.rmSync(opts.workDir, { recursive: true, force: true });
  }
  fs.mkdirSync(opts.workDir, { recursive: true });
  fs.writeFileSync(dirs.marker, "made by npm run rehearse; removed at its end unless --keep\n");
  fs.writeFileSync(dirs.lock, String(process.pid));
  cleanup.add("work directory", () => {
    if (opts.keep || opts.failAt === "sync") fs.rmSync(dirs.lock, { force: true });
    if (!opts.keep) fs.rmSync(opts.workDir, { recursive: true, force: true });
    else fs.rmSync(dirs.lock, { force: true });
  });

  const crashed = new Promise<never>((_, reject) => {
    // Filled in once s3rver runs: a stand-in that dies ends the rehearsal (and its cleanup runs).
    cleanup.add("crash watch", () => clearInterval(crashWatch));
    const crashWatch = setInterval(() => {
      if (servers?.s3 && !pidAlive(servers.s3.pid)) reject(new Error(`the S3 stand-in (s3rver, pid ${servers.s3.pid}) exited: the rehearsal stops and cleans up`));
    }, 300);
  });
  crashed.catch(() => undefined);
  let servers: Servers | undefined;

  try {
    const interrupted = new Promise<never>((_, reject) => {
      if (opts.signal?.aborted) reject(new Interrupted(String(opts.signal.reason)));
      opts.signal?.addEventListener("abort", () => reject(new Interrupted(String(opts.signal!.reason))));
    });
    interrupted.catch(() => undefined);
    return await Promise.race([crashed, interrupted, main()]);
  } finally {
    await cleanup.run();
  }

  async function main(): Promise<RehearsalReport> {
    // The plan runs alongside the start of `pulumi up` (both take seconds); what `up` says meanwhile
    // is held back so the plan summary still comes first.
    let held: string[] | undefined;
    const log = (line: string) => (held ? held.push(line) : opts.log(line));
    // ---- stand-ins --------------------------------------------------------------------------
    const dataSet = opts.again ? answerFor(dirs.source) : writeDataSet(dirs.source, opts.files, opts.sizeMiB);
    fs.mkdirSync(dirs.keys, { recursive: true });
    const auth = makeOciTestAuth();
    const ociConfigFile = await writeOciConfigFile(dirs.keys, auth);
    // --again: the same ports as the first run (the endpoints are stack config: a new port would be a changed input).
    const kept: Partial<Record<"s3" | "oci" | "route53" | "aws", number>> = opts.again && fs.existsSync(dirs.ports) ? JSON.parse(fs.readFileSync(dirs.ports, "utf8")) : {};
    const onPort = async <T>(what: string, port: number | undefined, start: () => Promise<T>): Promise<T> => {
      try {
        return await start();
      } catch (err) {
        if (port && /EADDRINUSE|did not start/.test(String((err as Error).message ?? err))) throw new RehearsalRefused(`127.0.0.1:${port} is in use: the ${what} stand-in of the first run listened there and --again needs the same endpoint. Stop what holds it, or run without --again.`);
        throw err;
      }
    };
    const s3 = await onPort("S3", kept.s3, () => startS3rver({ buckets: [SOURCE_BUCKET], directory: dirs.s3, port: kept.s3 }));
    cleanup.add("s3rver", () => s3.close());
    fs.mkdirSync(dirs.oci, { recursive: true });
    const oci = new OciObjectStorageServer({
      namespace: `mockns${digest("ocid1.compartment.oc1..aaaaaaaaacmerehearsalcompartment", 8)}`,
      buckets: ["tundra-acme-staging"],
      publicKeys: new Map([[auth.keyId, auth.publicKey]]),
      directory: dirs.oci,
      idleTimeoutMs: 3_600_000,
      port: kept.oci,
    });
    if (opts.again && fs.existsSync(dirs.ociIndex)) oci.restoreIndex(fs.readFileSync(dirs.ociIndex, "utf8"));
    const ociEndpoint = await onPort("OCI Object Storage", kept.oci, () => oci.start());
    cleanup.add("OCI Object Storage server", async () => {
      if (opts.keep) fs.writeFileSync(dirs.ociIndex, oci.indexSnapshot());
      await oci.close();
    });
    const route53 = await onPort("Route53", kept.route53, () => startRoute53Server({ idleTimeoutMs: 3_600_000, syncDelayMs: 50, port: kept.route53 }));
    cleanup.add("Route53 server", async () => {
      fs.writeFileSync(dirs.route53, JSON.stringify({ zoneId, records: route53.records(zoneId) }));
      await route53.stop();
    });
    let zoneId: string;
    if (opts.again && fs.existsSync(dirs.route53)) {
      const kept = JSON.parse(fs.readFileSync(dirs.route53, "utf8")) as { zoneId: string; records: RecordSet[] };
      zoneId = route53.createZone(ZONE_NAME, kept.zoneId);
      for (const r of kept.records) route53.putRecord(zoneId, r);
    } else {
      zoneId = route53.createZone(ZONE_NAME);
      // Before the migration the tenant's name is a plain record pointing at AWS (the cutover turns it into the weighted pair).
      // Its TTL is already the rehearsal stack's (1 s): with a longer one the cutover first lowers it and waits the old TTL out.
      route53.putRecord(zoneId, { Name: RECORD_NAME, Type: "A", TTL: 1, ResourceRecords: ["127.0.0.1"] });
    }
    const aws = await onPort("AWS-side Tundra", kept.aws, () => startTundraStandIn(() => dirs.source, kept.aws));
    cleanup.add("AWS-side Tundra stand-in", () => aws.close());
    const nodes = new Map<string, { node: NodeProcess; endpoint: Listening; liveAt?: number; live?: string }>();
    let hydrationStartedAt: number | undefined;
    const lb = await startLoadBalancerStandIn(LISTENER_PORT, () => [...nodes.values()].map((n) => n.endpoint.url));
    cleanup.add("load balancer stand-in", () => lb.close());
    servers = { s3, oci, route53, aws, lb, ociConfigFile, zoneId };
    fs.writeFileSync(dirs.ports, JSON.stringify({ s3: Number(new URL(s3.endpoint).port), oci: Number(new URL(ociEndpoint).port), route53: Number(new URL(route53.endpoint).port), aws: aws.port }));
    log(`stand-ins on 127.0.0.1: s3rver ${s3.endpoint}, OCI Object Storage ${ociEndpoint}, Route53 ${route53.endpoint}, AWS side ${aws.url}, load balancer :${lb.port}`);

    if (!opts.again) {
      const upload = await sync(new LocalDirectoryStore(dirs.source), new S3Store({ bucket: SOURCE_BUCKET, prefix: SOURCE_PREFIX, ...s3.clientOptions }), { concurrency: 8 });
      log(`tenant data set in S3: ${dataSet.objects} objects, ${(dataSet.bytes / 1048576).toFixed(1)} MiB (s3://${SOURCE_BUCKET}/${SOURCE_PREFIX}, ${upload.copiedObjects} uploaded)`);
    }

    const generation = opts.again ? readGeneration(dirs.stackFile) : `rehearsal-${new Date(t0).toISOString().slice(0, 19)}`;
    fs.writeFileSync(dirs.stackFile, rehearsalStackYaml({ endpoints: { s3: s3.endpoint, ociObjectStorage: ociEndpoint, route53: route53.endpoint, aws: aws.url }, zoneId, generation }));

    // ---- the plan summary: `npm run plan` of this stack -------------------------------------
    held = [];
    const planned = planSummary(dirs.stackFile).then(
      (p) => {
        opts.log(`plan: ${p.resources} resources (${Object.entries(p.byType).map(([t, n]) => `${n} ${t}`).join(", ")})`);
        return p;
      },
      (err: Error) => {
        opts.log(`plan: ${err.message}`);
        return { resources: 0, byType: {} };
      },
    ).then((p) => {
      for (const line of held ?? []) opts.log(line);
      held = undefined;
      return p;
    });

    // ---- pulumi up ---------------------------------------------------------------------------
    const hostEnv = { AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER", AWS_REGION: "us-east-1", OCI_CLI_CONFIG_FILE: ociConfigFile, OCI_CLI_AUTH: "api_key" };
    const events: UpEvent[] = [];
    const runs: RunReport[] = [];
    const story: string[] = [];
    // The agent bundle is in the bucket once the AgentBundleUpload is created: nodes fetch it then.
    let bundleUploaded = false;
    const pendingInstances: { name: string; displayName: string; userData: string }[] = [];
    const startedNodes = new Set<string>();
    const load = new QueryLoad({
      // A plain (non-weighted) record answers with no set identifier: that is AWS before the cutover.
      resolve: () => route53.resolve(zoneId, RECORD_NAME, "A") || SET_IDS.aws,
      ociPercent: () => ociPercentNow(route53, zoneId),
      urlOf: (side) => (side === SET_IDS.oci ? `http://127.0.0.1:${lb.port}/health` : `${aws.url}/health`),
      hostHeader: RECORD_NAME,
      everyMs: 20,
      timeoutMs: 5_000,
      t0,
    });
    let loadRunning = false;
    let syncProgress: NodeJS.Timeout | undefined;
    const syncAttempts: { copiedObjects: number; complete: boolean }[] = [];

    const startPending = () => {
      if (!bundleUploaded) return;
      for (const inst of pendingInstances.splice(0)) {
        // A later `up` of the same stack registers the same instance again: it exists, its node runs on.
        if (startedNodes.has(inst.displayName)) continue;
        startedNodes.add(inst.displayName);
        const dir = path.join(dirs.nodes, inst.displayName);
        fs.mkdirSync(dir, { recursive: true });
        void fetchAgent({ userData: inst.userData, dir, ociConfigFile }).then((agentScript) => {
          const node = startNode({ name: inst.displayName, userData: inst.userData, agentScript, dir, ociConfigFile });
          cleanup.add(`agent ${inst.displayName}`, () => node.stop());
          return startTundraStandIn(() => path.join(node.dataRoot, "current")).then((endpoint) => {
            cleanup.add(`Tundra stand-in ${inst.displayName}`, () => endpoint.close());
            nodes.set(inst.displayName, { node, endpoint, live: liveGeneration(node.dataRoot) });
          });
        }, (err: Error) => log(`node ${inst.displayName}: ${err.message}`));
      }
    };

    const onEvent = async (e: UpEvent, child: import("child_process").ChildProcess) => {
      events.push(e);
      switch (e.type) {
        case "agentBundle":
          bundleUploaded = true;
          startPending();
          break;
        case "instance":
          pendingInstances.push(e);
          // The instance is "created" once its node process runs (the mocks wait for this answer).
          child.send({ type: "instanceStarted", name: e.name });
          startPending();
          break;
        case "step":
          if (e.phase === "start") {
            log(`${e.stage}: ${e.op} ${e.resource} ...`);
            if (e.stage === "dataSync") {
              syncProgress = setInterval(() => opts.progress?.(oci.objectNames("tundra-acme-staging").filter((n) => n.startsWith("data/")).length, dataSet.objects), 250);
              if (opts.failAt === "sync" && runs.length === 0) {
                // Half the objects cannot be written: the sync fails loudly, keeping what it verified.
                oci.faults.configure({ unavailable: 1, applies: (req) => req.method === "PUT" && /part-\d*[13579]\.parquet/.test(decodeURIComponent(req.url ?? "")) });
              }
            }
            if (e.stage === "hydration") {
              hydrationStartedAt = Date.now();
              for (const n of nodes.values()) n.liveAt = undefined;
              if (opts.failAt === "hydrate" && runs.length === 1) {
                // The new generation's objects are unreadable on OCI: the agents fail to load it.
                oci.faults.configure({ unavailable: 1, applies: (req) => req.method === "GET" && req.url?.includes("/o/data%2F") === true });
              }
            }
            if (e.stage === "validation" && opts.failAt === "validate") {
              // AWS's tenant wrote after the sync: the two sides now answer differently.
              fs.writeFileSync(path.join(dirs.source, "table-00", "late-write.parquet"), crypto.randomBytes(4096));
            }
            if (e.stage === "cutover") {
              // Nodes run all along on real OCI; here a re-run (--again) restarts them, and each
              // fetches its agent first: traffic waits until every node's stand-in serves.
              await until(() => nodes.size >= startedNodes.size, 30_000);
              lastWeights = ociPercentNow(route53, zoneId);
              load.start();
              loadRunning = true;
            }
          } else {
            if (e.op === "same") {
              clearInterval(syncProgress);
              log(`${e.stage}: ${e.resource} unchanged: nothing to do (Diff found no change)`);
              if (e.stage === "dataSync") syncAttempts.push({ copiedObjects: 0, complete: true });
            } else if (e.stage === "dataSync") {
              clearInterval(syncProgress);
              syncAttempts.push({ copiedObjects: Number(e.outputs.copiedObjects), complete: e.outputs.complete === true });
              log(`dataSync: ${e.outputs.objectCount} objects, ${(Number(e.outputs.totalBytes) / 1048576).toFixed(1)} MiB verified at the destination; copied ${e.outputs.copiedObjects}, skipped ${e.outputs.skippedObjects} (${e.outputs.throughputMBps} MB/s, ${e.seconds.toFixed(1)} s); digest ${e.outputs.manifestDigest}`);
            } else if (e.stage === "hydration") {
              log(`hydration: generation ${String(e.outputs.generation).slice(0, 19)}... live on ${nodes.size} nodes (${e.op} in ${e.seconds.toFixed(1)} s)`);
            } else log(`${e.stage}: ${e.op} ${e.resource} in ${e.seconds.toFixed(1)} s`);
            if (e.stage === "cutover") await stopLoad();
          }
          break;
        case "failed":
          clearInterval(syncProgress);
          if (e.stage === "dataSync") syncAttempts.push({ copiedObjects: Number(e.outputs?.copiedObjects ?? 0), complete: false });
          log(`${e.stage}: FAILED ${e.resource}: ${firstLine(e.reason)}`);
          if (e.stage === "cutover") await stopLoad();
          break;
        case "done":
          break;
      }
    };

    // Node lines as they go live, and the cutover's steps as Route53 changes.
    let lastWeights = -1;
    const watch = setInterval(() => {
      for (const [name, n] of nodes) {
        const live = liveGeneration(n.node.dataRoot);
        if (live && live !== n.live && hydrationStartedAt) {
          n.live = live;
          n.liveAt = Date.now();
          log(`  node ${name}: ${live.slice(0, 12)}... live, ${((n.liveAt - hydrationStartedAt) / 1000).toFixed(1)} s after the Hydration started`);
        }
      }
      if (loadRunning) {
        const now = ociPercentNow(route53, zoneId);
        if (now !== lastWeights) {
          if (opts.failAt === "gate" && now >= 50 && lb.latencyMs === 0) {
            // The OCI side turns slow at 50%: the probe gate's p95 bound (GATE_MAX_P95_MS) fails and the cutover rolls back.
            lb.latencyMs = GATE_FAULT_LATENCY_MS;
            story.push(`gate: at OCI ${now}% the OCI side was made ${GATE_FAULT_LATENCY_MS} ms slow (the gate allows a p95 of ${GATE_MAX_P95_MS} ms)`);
          }
          logStepDone();
          log(`  cutover: OCI ${now}% (Route53 weights aws ${weightOf(route53, zoneId, SET_IDS.aws)} / oci ${weightOf(route53, zoneId, SET_IDS.oci)})`);
          lastWeights = now;
        }
      }
    }, 100);
    cleanup.add("watch", () => clearInterval(watch));

    /** The step that just ended, as the clients saw it: queries, failures, p95 and the realized split. */
    function logStepDone() {
      const step = stepsOf(load.samples).filter((s) => s.ociPercent === lastWeights).at(-1);
      if (step) {
        log(`    ${step.queries} queries, ${step.failed} failed, p95 ${step.p95Ms} ms, ${(step.realizedOciShare * 100).toFixed(1)}% reached OCI`);
      }
    }

    async function stopLoad() {
      if (!loadRunning) return;
      loadRunning = false;
      // A little traffic after the walk, so the last weights are measured too.
      await new Promise((r) => setTimeout(r, 1_500));
      await load.stop();
      logStepDone();
    }

    const runUp = async (): Promise<RunReport> => {
      const request: UpRequest = { stack: REHEARSAL_STACK, stackFile: dirs.stackFile, stateFile: dirs.state, hostEnv };
      const requestFile = path.join(opts.workDir, "up-request.json");
      fs.writeFileSync(requestFile, JSON.stringify(request));
      const child = fork(path.join(__dirname, "up.ts"), [requestFile], { execArgv: ["--import", "tsx"], stdio: ["pipe", "pipe", "pipe", "ipc"], cwd: path.resolve(__dirname, "..", "..") });
      cleanup.add("pulumi up", () => {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      });
      let printed = "";
      child.stdout!.on("data", (c) => (printed += c));
      child.stderr!.on("data", (c) => (printed += c));
      const run: RunReport = { run: runs.length + 1, outcome: "failed", ops: {} };
      let chain = Promise.resolve();
      let handlerError: unknown;
      child.on("message", (e: UpEvent) => {
        chain = chain.then(() => onEvent(e, child)).catch((err) => {
          // The rehearsal itself broke (not the product): stop this `up` and say so.
          handlerError ??= err;
          child.kill("SIGKILL");
        });
        if (e.type === "step" && e.phase === "end") run.ops[e.resource] = e.op;
        if (e.type === "failed") Object.assign(run, { failedStage: e.stage, reason: e.reason });
        if (e.type === "done") run.outcome = "succeeded";
      });
      const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
      await chain;
      if (handlerError) throw handlerError;
      if (code !== 0 && !run.reason) run.reason = `pulumi up exited ${code}: ${printed.slice(-2000)}`;
      runs.push(run);
      return run;
    };

    log(opts.again ? "pulumi up (again, against the state of the first run) ..." : "pulumi up ...");
    let run = await runUp();
    if (opts.failAt === "sync" && run.failedStage === "dataSync") {
      story.push(`sync: the first run failed loudly (${firstLine(run.reason ?? "")}), keeping ${syncAttempts[0]?.copiedObjects ?? 0} verified objects; the stack's next \`pulumi up\` resumed`);
      oci.faults.configure({});
      log("pulumi up (resume after the failed sync) ...");
      run = await runUp();
    }
    if (opts.failAt === "hydrate" && run.outcome === "succeeded") {
      // A second generation whose objects the nodes cannot read: the previous one must stay live.
      story.push("hydrate: generation 1 went live; then a new generation was synced whose objects the nodes could not read");
      writeDataSet(path.join(dirs.source, "next"), 3, 1);
      await sync(new LocalDirectoryStore(dirs.source), new S3Store({ bucket: SOURCE_BUCKET, prefix: SOURCE_PREFIX, ...s3.clientOptions }), { concurrency: 8 });
      fs.writeFileSync(dirs.stackFile, rehearsalStackYaml({ endpoints: { s3: s3.endpoint, ociObjectStorage: ociEndpoint, route53: route53.endpoint, aws: aws.url }, zoneId, generation: `${generation}-2` }));
      log("pulumi up (generation 2) ...");
      run = await runUp();
      oci.faults.configure({});
    }
    await stopLoad();
    const plan = await planned;

    // ---- the report --------------------------------------------------------------------------
    const last = <T extends UpEvent["type"]>(type: T, stage?: StageName) => [...events].reverse().find((e) => e.type === type && (!stage || (e as { stage?: string }).stage === stage)) as Extract<UpEvent, { type: T }> | undefined;
    const outputsOf = (stage: StageName): Record<string, any> | undefined => {
      const ev = [...events].reverse().find((e) => (e.type === "step" && e.phase === "end" && e.stage === stage) || (e.type === "failed" && e.stage === stage)) as { outputs?: Record<string, any> } | undefined;
      return ev?.outputs;
    };
    const syncOut = outputsOf("dataSync");
    const hydOut = outputsOf("hydration");
    const cutOut = outputsOf("cutover");
    const valOutputs = () => (valEvent as { outputs?: Record<string, unknown> } | undefined)?.outputs ?? {};
    const valEvent = [...events].reverse().find((e) => (e.type === "step" && e.phase === "end" && e.stage === "validation") || (e.type === "failed" && e.stage === "validation")) as UpEvent | undefined;
    // The validation's report: stdout, and stderr where a failing run writes its failures.
    const validationText = [valOutputs().stdout, valOutputs().stderr].filter(Boolean).join("");
    const finalOci = ociPercentNow(route53, zoneId);
    const stepsMeasured = stepsOf(load.samples);
    const history = (cutOut?.history as { event: string; detail: string }[] | undefined) ?? [];
    const rolledBack = history.some((h) => h.event === "rollback");
    // Each step's gate result, as the Cutover recorded it ("... at OCI 50%").
    const steps = stepsMeasured.map((step) => {
      const verdict = history.find((h) => (h.event === "step-passed" || h.event === "rollback") && h.detail.includes(`at OCI ${step.ociPercent}%`));
      return { ...step, gate: verdict ? (verdict.event === "step-passed" ? ("passed" as const) : ("failed" as const)) : null, gateDetail: verdict?.detail ?? null };
    });
    // "same": the engine found nothing to change; the history is the earlier run's.
    const syncOp = runs[runs.length - 1]?.ops[Object.keys(runs[runs.length - 1]?.ops ?? {}).find((n) => n.endsWith("data-sync")) ?? ""];
    const cutoverOp = [...runs].reverse().map((r) => Object.entries(r.ops).find(([name]) => name.endsWith("cutover"))?.[1]).find(Boolean);
    const failedRun = runs.find((r) => r.outcome === "failed" && (r.failedStage !== "dataSync" || opts.failAt !== "sync"));
    if (opts.failAt === "hydrate" && failedRun?.failedStage === "hydration") {
      const live = [...nodes.values()].map((n) => liveGeneration(n.node.dataRoot));
      story.push(`hydrate: the Hydration failed (${firstLine(failedRun.reason ?? "")}); every node kept generation 1 live (${live.join(", ")}); validation and cutover did not run`);
    }
    if (failedRun?.failedStage === "validation") {
      const failed = validationText.split("\n").filter((l) => /^FAIL/.test(l)).map((l) => l.replace(/\s+/g, " ")).join("; ");
      story.push(`validate: the validation failed (${failed || "see its report"}), so the cutover never ran: Route53 still sends ${100 - finalOci}% to AWS`);
    }
    if (failedRun?.failedStage === "cutover") {
      story.push(rolledBack
        ? `cutover: a gate failed during the walk and traffic was rolled back: OCI ${finalOci}% now (${firstLine(failedRun.reason ?? "")})`
        : `cutover: failed (${firstLine(failedRun.reason ?? "")}); OCI ${finalOci}% now`);
    }
    if (opts.again) story.push(`again: ${Object.entries(runs[0]?.ops ?? {}).map(([r, op]) => `${r} ${op}`).join(", ")}`);

    const ociFullSince = typeof cutOut?.ociFullSince === "string" && cutOut.ociFullSince ? cutOut.ociFullSince : undefined;
    const decommission = assessDecommission(
      { liveWeights: { aws: weightOf(route53, zoneId, SET_IDS.aws), oci: weightOf(route53, zoneId, SET_IDS.oci) }, ociFullSince, ociStackAcknowledged: false, dataPending: { objects: 0, bytes: 0, examples: [], source: { description: `s3://${SOURCE_BUCKET}/${SOURCE_PREFIX}`, objects: dataSet.objects } } },
      { minDaysOnOci: 7 },
      new Date(),
    );

    const allQueries = load.samples;
    const report: RehearsalReport = {
      schemaVersion: 1,
      startedAt: new Date(t0).toISOString(),
      outcome: failedRun ? "stopped" : "completed",
      failAt: opts.failAt ?? null,
      again: opts.again,
      story,
      plan,
      runs,
      dataSet: { objects: dataSet.objects, bytes: dataSet.bytes },
      sync: syncOut
        ? { op: syncOp ?? "none", objects: syncOut.objectCount, multipartObjects: oci.multipartObjectNames("tundra-acme-staging").filter((n) => n.startsWith("data/")).length, bytes: syncOut.totalBytes, copiedObjects: syncOp === "same" ? 0 : syncOut.copiedObjects, copiedBytes: syncOp === "same" ? 0 : syncOut.copiedBytes, skippedObjects: syncOut.skippedObjects, verified: syncOut.complete === true && syncOut.failedObjects === 0, throughputMBps: syncOut.throughputMBps, seconds: syncOut.durationSeconds, manifestDigest: syncOut.manifestDigest, complete: syncOut.complete, attempts: syncAttempts }
        : null,
      hydration: hydOut || nodes.size > 0
        ? {
            generation: String(hydOut?.generation ?? ""),
            complete: hydOut?.complete === true,
            // Seconds: the agent's own load time (its receipt's durationMs, as the Hydration resource reports it).
            nodes: [...nodes.entries()].map(([name, n]) => {
              const status = hydOut?.nodeStatus?.[name] as { durationMs?: number; status?: string; error?: string } | undefined;
              return { name, seconds: status?.durationMs ? round(status.durationMs / 1000, 2) : null, live: liveGeneration(n.node.dataRoot) ?? null, status: status ?? null };
            }),
          }
        : null,
      validation: valEvent ? { passed: valEvent.type === "step", report: validationText } : null,
      cutover: cutOut || last("failed", "cutover")
        ? { status: String(cutOut?.status ?? "failed"), walked: cutoverOp !== "same", finalOciPercent: finalOci, rolledBack, steps, history, ...(last("failed", "cutover") ? { error: firstLine(last("failed", "cutover")!.reason) } : {}) }
        : null,
      load: {
        queries: allQueries.length,
        failed: allQueries.filter((s) => !s.ok).length,
        p95Ms: round(p95(allQueries.map((s) => s.ms))),
        ociShare: allQueries.length ? round(allQueries.filter((s) => s.side === SET_IDS.oci).length / allQueries.length, 3) : 0,
        timeline: allQueries.map((s) => ({ at: s.at, ociPercent: s.ociPercent, side: s.side, ok: s.ok, ms: round(s.ms) })),
      },
      decommission,
      totalSeconds: round((Date.now() - t0) / 1000, 1),
      artifacts: { workDir: opts.workDir, kept: opts.keep, json: "", html: "" },
    };
    return report;
  }
}

function readGeneration(stackFile: string): string {
  const m = fs.readFileSync(stackFile, "utf8").match(/generation: (\S+)/);
  if (!m) throw new RehearsalRefused(`no generation in ${stackFile}: run without --again`);
  return m[1].replace(/^"|"$/g, "");
}

function firstLine(text: string): string {
  return text.split("\n").find((l) => l.trim()) ?? text;
}

function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function weightOf(route53: Route53Server, zoneId: string, setId: string): number | undefined {
  return route53.records(zoneId).find((r) => r.SetIdentifier === setId)?.Weight;
}

function ociPercentNow(route53: Route53Server, zoneId: string): number {
  const aws = weightOf(route53, zoneId, SET_IDS.aws);
  const oci = weightOf(route53, zoneId, SET_IDS.oci) ?? 0;
  if (aws === undefined) return oci > 0 ? 100 : 0;
  return aws + oci === 0 ? 50 : Math.round((oci / (aws + oci)) * 100);
}

/** Queries grouped by the weights live when they resolved: one step per weight change. */
export function stepsOf(samples: { at: number; side: string; ok: boolean; ms: number; ociPercent: number }[]): StepReport[] {
  const steps: StepReport[] = [];
  let current: { percent: number; list: typeof samples } | undefined;
  const close = () => {
    if (!current) return;
    const list = current.list;
    steps.push({
      ociPercent: current.percent,
      awsWeight: 100 - current.percent,
      ociWeight: current.percent,
      startedAtMs: list[0].at,
      endedAtMs: list[list.length - 1].at,
      queries: list.length,
      failed: list.filter((s) => !s.ok).length,
      p95Ms: round(p95(list.map((s) => s.ms))),
      realizedOciShare: round(list.filter((s) => s.side === SET_IDS.oci).length / list.length, 3),
    });
  };
  for (const s of [...samples].sort((a, b) => a.at - b.at)) {
    if (!current || current.percent !== s.ociPercent) {
      close();
      current = { percent: s.ociPercent, list: [] };
    }
    current.list.push(s);
  }
  close();
  return steps;
}

/** `npm run plan -- --json` of the rehearsal stack: resources by type. */
async function planSummary(stackFile: string): Promise<{ resources: number; byType: Record<string, number> }> {
  const { execFile } = await import("child_process");
  const root = path.resolve(__dirname, "..", "..");
  const out = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, ["--import", "tsx", path.join(root, "scripts", "plan.ts"), "--stack", REHEARSAL_STACK, "--config", stackFile, "--json"], { cwd: root, maxBuffer: 256 * 1024 * 1024, timeout: 300_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`the plan of the rehearsal stack failed:\n${stderr || err.message}`)) : resolve(stdout),
    ),
  );
  const plan = JSON.parse(out) as { resources: { type: string }[] };
  const byType: Record<string, number> = {};
  for (const r of plan.resources) {
    const short = r.type.replace(/^pulumi-nodejs:dynamic[:/]/, "dynamic:").split(":").pop()!.split("/").pop()!;
    byType[short] = (byType[short] ?? 0) + 1;
  }
  return { resources: plan.resources.length, byType };
}

export const DEFAULT_WORK_DIR = path.join(os.tmpdir(), "tundra-rehearsal");
