// Entry point of the node agent (bundled by bundle.ts, run by the systemd unit the user data
// installs):  node agent.js [--config /etc/tundra/hydration-agent.json] [--once]
// --once: one poll, exit 0 when the node is on the desired generation, 1 when it failed.
import { HydrationAgent, type ResolvedAgentConfig } from "./agent";
import { DEFAULT_AGENT_CONFIG_PATH, loadAgentConfig } from "./config";
import { nodeNameFromInstanceMetadata } from "./instance-metadata";
import { openBucketStores } from "./oci";

function log(line: string): void {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
}

function parseArgs(argv: string[]): { config: string; once: boolean } {
  const args = { config: DEFAULT_AGENT_CONFIG_PATH, once: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--config" && argv[i + 1]) args.config = argv[++i];
    else if (arg === "--once") args.once = true;
    else throw new Error(`Unknown argument ${JSON.stringify(arg)}. Usage: agent.js [--config FILE] [--once]`);
  }
  return args;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const config = await loadAgentConfig(args.config);
  const node = typeof config.node === "string" ? config.node : await nodeNameFromInstanceMetadata();
  const resolved: ResolvedAgentConfig = { ...config, node };
  const stores = await openBucketStores(resolved);
  const agent = new HydrationAgent(resolved, stores, log);
  log(`hydration agent for node ${node}: ${stores.data.description} -> ${config.dataRoot}`);

  if (args.once) {
    const result = await agent.tick();
    log(`once: ${result}`);
    return result === "failed" || result === "waiting-for-new-request" ? 1 : 0;
  }
  const controller = new AbortController();
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping (a load in progress resumes at the next start)`);
      controller.abort(new Error(signal));
    });
  }
  await agent.run(controller.signal);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    log(`fatal: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
