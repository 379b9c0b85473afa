// The query nodes on this machine: one hydration agent process per mocked instance, started from
// what the program rendered. The agent config comes from the instance's user data (the file the
// cloud-init writes to /etc/tundra/hydration-agent.json) and the agent from the bundle the program
// uploads; only what a laptop cannot have is substituted: the node name (instance metadata), the
// data root (a directory, not the data volume), the auth (an API key instead of the instance
// principal) and the Object Storage endpoint (tundra:endpoints.ociObjectStorage).
import { spawn, type ChildProcess } from "child_process";
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

/** The agent config the user data writes (the `write_files` entry at the agent's config path). */
export function agentConfigFromUserData(userData: string): Record<string, unknown> {
  const body = userData.replace(/^#cloud-config\s*/, "");
  const doc = parseYaml(body) as { write_files?: { path: string; content: string }[] };
  const file = doc.write_files?.find((f) => f.path === DEFAULT_AGENT_CONFIG_PATH);
  if (!file) throw new Error(`the instance's user data writes no ${DEFAULT_AGENT_CONFIG_PATH}: the hydration stage rendered no agent`);
  return JSON.parse(file.content) as Record<string, unknown>;
}

export function startNode(opts: { name: string; userData: string; agentScript: string; dir: string; ociConfigFile: string; endpoint: string }): NodeProcess {
  const rendered = agentConfigFromUserData(opts.userData);
  const dataRoot = path.join(opts.dir, "data");
  fs.mkdirSync(dataRoot, { recursive: true });
  const config = { ...rendered, node: opts.name, dataRoot, requireMountPoint: false, auth: { configFile: opts.ociConfigFile, profile: "DEFAULT" }, endpoint: opts.endpoint };
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
