// Builds what a node runs: the agent as ONE self-contained CommonJS script (esbuild, minified,
// deterministic, every package it imports included), and the small boot-time fetcher that travels
// in the user data. Nodes install no npm package: the private subnet reaches Oracle services
// through the service gateway only, and the npm registry is not one of them (docs/hydration.md).
// The agent bundle (~1.5 MB) does not fit in OCI's 32,000 bytes of instance metadata: it is
// uploaded to the tenant bucket and fetched at boot by the fetcher, pinned by SHA-256.
import * as crypto from "crypto";
import * as path from "path";
import { buildNodeScript } from "../../common/node-script";
import { WRITE_HASH_WORKER_ENTRY } from "../../transfer/write-hash-worker-script";

export interface AgentBundle {
  /** The agent as one CommonJS script, its packages included (nodes fetch it from the bucket). */
  script: string;
  /** The small boot-time fetcher that travels in the user data (imports Node built-ins only). */
  fetchScript: string;
  /** Hex SHA-256 of `script`: the user data pins it, the fetcher checks it. */
  sha256: string;
  /** Packages bundled into `script`, with the versions of this checkout (for the record). */
  bundledPackages: Record<string, string>;
}

/** The Node.js the bundles are built for: the runtime the user data installs (userdata.ts). */
export const AGENT_NODE_TARGET = "node22";

const PROJECT_ROOT = path.resolve(__dirname, "..", "..", "..");

/**
 * Optional modules a bundled package requires inside a try/catch and works without: left out,
 * they throw at that require and the package carries on. Anything else left out fails the build.
 */
const OPTIONAL_MISSING = new Map([
  // node-fetch 2 (under oci-common): `try { convert = require('encoding').convert } catch (e) {}`,
  // only for textConverted(), which nothing here calls.
  ["encoding", "node-fetch"],
]);

let cached: AgentBundle | undefined;

export interface BuiltScript {
  script: string;
  /** Top-level packages (node_modules/<name>) whose files went into the script. */
  packages: Record<string, string>;
  /** Imports left outside the script (Node built-ins only, or the build fails). */
  external: string[];
}

/** One entry point bundled with everything it imports; fails if anything but Node itself is left outside. `define`: identifiers replaced by JSON values. */
export function bundleEntry(entry: string, define: Record<string, string> = {}): BuiltScript {
  const result = buildNodeScript(entry, { absWorkingDir: PROJECT_ROOT, define, packages: "bundle", target: AGENT_NODE_TARGET });
  const packages: Record<string, string> = {};
  for (const input of Object.keys(result.metafile.inputs)) {
    const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m && !(m[1] in packages)) {
      packages[m[1]] = (require(path.join(PROJECT_ROOT, input.slice(0, m.index + m[0].length - 1).replace(/^\//, ""), "package.json")) as { version: string }).version;
    }
  }
  const builtins = (require("module") as typeof import("module")).builtinModules;
  const external = new Set<string>();
  for (const input of Object.values(result.metafile.inputs)) {
    for (const imp of input.imports) if (imp.external) external.add(imp.path.replace(/^node:/, ""));
  }
  const notBuiltin = [...external].filter((name) => !builtins.includes(name) && !OPTIONAL_MISSING.has(name));
  if (notBuiltin.length > 0) throw new Error(`${path.relative(PROJECT_ROOT, entry)} bundles with imports left outside: ${notBuiltin.join(", ")}. Nodes install no packages: bundle them.`);
  return { script: result.text, packages, external: [...external].sort() };
}

/** Bundles the agent (main.ts) and its boot-time fetcher (fetch-agent.ts), each self-contained. */
export function buildAgentBundle(): AgentBundle {
  if (cached) return cached;
  // The write-and-hash workers' script travels inside the agent: a node has no esbuild to compile it.
  const agent = bundleEntry(path.join(__dirname, "main.ts"), { TUNDRA_WRITE_HASH_WORKER_JS: JSON.stringify(buildNodeScript(WRITE_HASH_WORKER_ENTRY).text) });
  const fetcher = bundleEntry(path.join(__dirname, "fetch-agent.ts"));
  if (Object.keys(fetcher.packages).length > 0) {
    throw new Error(`The boot fetcher must import Node built-ins only (it travels in the user data): it pulls in ${Object.keys(fetcher.packages).join(", ")}.`);
  }
  const sha256 = crypto.createHash("sha256").update(agent.script).digest("hex");
  const bundledPackages = Object.fromEntries(Object.entries(agent.packages).sort(([a], [b]) => a.localeCompare(b)));
  cached = { script: agent.script, fetchScript: fetcher.script, sha256, bundledPackages };
  return cached;
}
