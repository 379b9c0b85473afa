// The query nodes on this machine: one hydration agent process per mocked instance, started from
// what the program rendered. The agent config comes from the instance's user data (the file the
// cloud-init writes to /etc/tundra/hydration-agent.json), and the agent is fetched from the tenant
// bucket by the user data's own boot-time fetcher, pinned by the SHA-256 the user data names, as a
// node does. Only what a laptop cannot have is substituted: the node name (instance metadata), the
// data root (a directory, not the data volume) and the auth (an API key instead of the instance
// principal). The Object Storage endpoint is the program's (tundra:endpoints.ociObjectStorage).
import { execFile, spawn, type ChildProcess } from "child_process";
import * as zlib from "zlib";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { DEFAULT_AGENT_CONFIG_PATH } from "../../components/hydration/agent/config";

export interface NodeProcess {
  name: string;
  dataRoot: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** The files the user data's cloud-init writes, by path (gz+b64 contents unpacked). */
function userDataFiles(userData: string): Map<string, string> {
  const body = userData.replace(/^#cloud-config\s*/, "");
  const doc = parseYaml(body) as { write_files?: { path: string; content: string; encoding?: string }[] };
  return new Map((doc.write_files ?? []).map((f) => [f.path, f.encoding === "gz+b64" ? zlib.gunzipSync(Buffer.from(f.content, "base64")).toString() : f.content]));
}

/** The agent config the user data writes (the `write_files` entry at the agent's config path). */
export function agentConfigFromUserData(userData: string): Record<string, unknown> {
  const file = userDataFiles(userData).get(DEFAULT_AGENT_CONFIG_PATH);
  if (file === undefined) throw new Error(`the instance's user data writes no ${DEFAULT_AGENT_CONFIG_PATH}: the hydration stage rendered no agent`);
  return JSON.parse(file) as Record<string, unknown>;
}

/**
 * Runs the user data's boot-time fetcher (`node fetch-agent.js <config> <key> <sha256> <dest>`, as
 * its prepare script does) with the API-key auth: the agent lands in `<dir>/agent.js` only if the
 * bucket holds the bundle the user data pins. Rejects with the fetcher's message otherwise.
 */
export async function fetchAgent(opts: { userData: string; dir: string; ociConfigFile: string }): Promise<string> {
  const files = userDataFiles(opts.userData);
  const fetcher = [...files].find(([p]) => p.endsWith("/fetch-agent.js"))?.[1];
  const prepare = [...files].find(([p]) => p.endsWith("/prepare.sh"))?.[1] ?? "";
  const call = /^node fetch-agent\.js '[^']*' '([^']+)' '([0-9a-f]{64})' /m.exec(prepare);
  if (fetcher === undefined || !call) throw new Error("the instance's user data carries no boot-time fetcher of the agent");
  const config = { ...agentConfigFromUserData(opts.userData), auth: { configFile: opts.ociConfigFile, profile: "DEFAULT" } };
  fs.writeFileSync(path.join(opts.dir, "fetch-agent.js"), fetcher);
  fs.writeFileSync(path.join(opts.dir, "boot-config.json"), JSON.stringify(config));
  const agent = path.join(opts.dir, "agent.js");
  const { NODE_PATH: _nodePath, ...env } = process.env;
  await new Promise<void>((resolve, reject) =>
    execFile(process.execPath, [path.join(opts.dir, "fetch-agent.js"), path.join(opts.dir, "boot-config.json"), call[1], call[2], agent], { env, timeout: 60_000 }, (err, _out, stderr) =>
      err ? reject(new Error(`the boot-time fetcher failed: ${stderr.trim() || err.message}`)) : resolve()),
  );
  return agent;
}

export function startNode(opts: { name: string; userData: string; agentScript: string; dir: string; ociConfigFile: string }): NodeProcess {
  const rendered = agentConfigFromUserData(opts.userData);
  const dataRoot = path.join(opts.dir, "data");
  fs.mkdirSync(dataRoot, { recursive: true });
  // The endpoint comes from the user data the program rendered (tundra:endpoints.ociObjectStorage).
  if (!rendered.endpoint) throw new Error(`${opts.name}: the user data names no Object Storage endpoint; the rehearsal stack must set tundra:endpoints.ociObjectStorage`);
  const config = { ...rendered, node: opts.name, dataRoot, requireMountPoint: false, auth: { configFile: opts.ociConfigFile, profile: "DEFAULT" } };
  const configFile = path.join(opts.dir, "hydration-agent.json");
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
  const { NODE_PATH: _nodePath, ...env } = process.env;
  const child = spawn(process.execPath, ["--require", path.resolve(__dirname, "..", "..", "test", "support", "exit-with-parent.cjs"), opts.agentScript, "--config", configFile], {
    cwd: opts.dir,
    env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let printed = "";
  const keep = (c: Buffer) => {
    printed += c.toString();
    if (printed.length > 200_000) printed = printed.slice(-100_000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    name: opts.name,
    dataRoot,
    child,
    output: () => printed,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}

/** What is live on a node: the generation directory <dataRoot>/current points to (undefined before the first load). */
export function liveGeneration(dataRoot: string): string | undefined {
  try {
    return path.basename(fs.readlinkSync(path.join(dataRoot, "current")));
  } catch {
    return undefined;
  }
}
