// Shared set-up for the hydration tests: an OCI Object Storage test server holding a tenant
// bucket, an API-key identity written as an OCI config file (what the agent processes and the
// provider host read, as they would read ~/.oci/config), the bundled agent as nodes run it, and
// helpers to publish generations the way DataSync and the Hydration resource do.
import { ChildProcess, spawn } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as fsp from "fs/promises";
import * as os from "os";
import * as path from "path";
import { buildAgentBundle } from "../../components/hydration/agent/bundle";
import type { AgentConfigInput } from "../../components/hydration/agent/config";
import { CONTROL_KEYS, receiptSchema, type Receipt } from "../../components/hydration/control";
import { getJson, putJson } from "../../components/hydration/control-io";
import { manifestForGeneration } from "../../components/hydration/manifest";
import { sync } from "../../components/transfer";
import { LocalDirectoryStore } from "../../components/transfer/local-store";
import { OciStore } from "../../components/transfer/oci-store";
import { makeOciTestAuth } from "./oci-signature";
import { OciObjectStorageServer } from "./oci-objectstorage-server";
import { writeOciConfigFile } from "./store-helpers";

export const BUCKET = "tenant-bucket";
export const PREFIX = "warehouse/";
export const CONTROL_PREFIX = "_tundra/hydration/";
export const REGION = "us-ashburn-1";

/** The environment of a simulated node's process: no NODE_PATH, so no package resolves from this checkout. */
export function nodeEnv(): NodeJS.ProcessEnv {
  const { NODE_PATH: _nodePath, ...env } = process.env;
  return env;
}

export interface HydrationFixture {
  dir: string;
  server: OciObjectStorageServer;
  serverDir: string;
  namespace: string;
  /** OCI config file with the test identity (profile DEFAULT). */
  ociConfigFile: string;
  data: OciStore;
  control: OciStore;
  /** The bundled agent script, as nodes run it: alone in a temporary directory outside the project. */
  agentScript: string;
  close(): Promise<void>;
}

export async function startHydrationFixture(opts: { idleTimeoutMs?: number } = {}): Promise<HydrationFixture> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "hydration-"));
  const auth = makeOciTestAuth();
  const serverDir = path.join(dir, "server");
  await fsp.mkdir(serverDir);
  const server = new OciObjectStorageServer({ buckets: [BUCKET], publicKeys: new Map([[auth.keyId, auth.publicKey]]), directory: serverDir, idleTimeoutMs: opts.idleTimeoutMs ?? 300_000 });
  const endpoint = await server.start();

  const ociConfigFile = await writeOciConfigFile(dir, auth);

  const agentScript = path.join(dir, "agent.js");
  await fsp.writeFile(agentScript, buildAgentBundle().script);

  const common = { bucket: BUCKET, namespace: server.namespace, region: REGION, endpoint, auth: { kind: "provider" as const, provider: auth.provider } };
  return {
    dir,
    server,
    serverDir,
    namespace: server.namespace,
    ociConfigFile,
    data: new OciStore({ ...common, prefix: PREFIX }),
    control: new OciStore({ ...common, prefix: CONTROL_PREFIX }),
    agentScript,
    async close() {
      await server.close();
      await fsp.rm(dir, { recursive: true, force: true });
    },
  };
}

/** The agent config of one simulated node (data root in a temp directory, API-key auth). */
export function nodeConfig(fx: HydrationFixture, node: string, extra: Partial<AgentConfigInput> = {}): AgentConfigInput {
  return {
    schemaVersion: 1,
    node,
    region: REGION,
    namespace: fx.namespace,
    bucket: BUCKET,
    prefix: PREFIX,
    controlPrefix: CONTROL_PREFIX,
    dataRoot: path.join(fx.dir, "nodes", node),
    auth: { configFile: fx.ociConfigFile, profile: "DEFAULT" },
    endpoint: fx.server.endpoint,
    pollSeconds: 1,
    progressSeconds: 1,
    ...extra,
  };
}

export interface AgentProcess {
  node: string;
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** Runs the bundled agent as its own process, as a node does: plain `node`, no node_modules anywhere up its path. */
export async function startAgent(fx: HydrationFixture, node: string, extra: Partial<AgentConfigInput> = {}, args: string[] = []): Promise<AgentProcess> {
  const configFile = path.join(fx.dir, `agent-${node}.json`);
  await fsp.writeFile(configFile, JSON.stringify(nodeConfig(fx, node, extra)));
  const child = spawn(process.execPath, ["--require", path.join(__dirname, "exit-with-parent.cjs"), fx.agentScript, "--config", configFile, ...args], {
    env: nodeEnv(),
    stdio: ["pipe", "pipe", "pipe"],
  });
  let printed = "";
  child.stdout!.on("data", (c: Buffer) => (printed += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (printed += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    node,
    child,
    output: () => printed,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGCONT");
        child.kill("SIGKILL");
      }
      await exited;
    },
  };
}

/** Syncs a local directory into the bucket prefix with the transfer engine, as DataSync does; returns the generation. */
export async function syncGeneration(fx: HydrationFixture, sourceDir: string): Promise<string> {
  const result = await sync(new LocalDirectoryStore(sourceDir), fx.data, { deleteExtraneous: true, concurrency: 8 });
  if (!result.manifestDigest) throw new Error("sync produced no manifest digest");
  return result.manifestDigest;
}

/** What the Hydration resource publishes, without waiting (for agent-level tests). */
export async function publishDesired(fx: HydrationFixture, generation: string, nodes: string[], concurrency = 4): Promise<string> {
  await manifestForGeneration(fx.data, fx.control, PREFIX, generation);
  const requestId = crypto.randomUUID();
  await putJson(fx.control, CONTROL_KEYS.desired, {
    schemaVersion: 1, generation, prefix: PREFIX, requestId, requestedAt: new Date().toISOString(), nodes, concurrency,
  });
  return requestId;
}

export function readReceipt(fx: HydrationFixture, node: string): Promise<Receipt | undefined> {
  return getJson(fx.control, CONTROL_KEYS.receipt(node), receiptSchema);
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 30_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Flips bytes of a stored object in the server's data directory: bit rot at rest (same size, wrong MD5). */
export async function corruptStoredObject(fx: HydrationFixture, content: Buffer): Promise<void> {
  const dataDir = path.join(fx.serverDir, "data");
  for (const name of await fsp.readdir(dataDir)) {
    const file = path.join(dataDir, name);
    const stored = await fsp.readFile(file);
    if (stored.equals(content)) {
      stored[0] ^= 0xff;
      await fsp.writeFile(file, stored);
      return;
    }
  }
  throw new Error("no stored object with that content");
}

/** Files under a node's live generation (what Tundra would see), key -> md5. */
export function liveFiles(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const base = path.join(root, "current");
  const walk = (dir: string, prefix: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!prefix && entry.name === ".tundra-meta") continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full, `${prefix}${entry.name}/`);
      else out.set(`${prefix}${entry.name}`, crypto.createHash("md5").update(fs.readFileSync(full)).digest("hex"));
    }
  };
  if (fs.existsSync(base)) walk(base, "");
  return out;
}
