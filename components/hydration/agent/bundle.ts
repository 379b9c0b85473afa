// Builds what a node needs to run the agent: our code bundled by esbuild (minified, deterministic)
// and a package.json + package-lock.json that pin its runtime packages to the very versions and
// sha512 integrity hashes of this project's lockfile, for `npm ci` at boot. Neither the packages
// (oci-common alone is several MB) nor the agent bundle (~40 KB) fit in OCI's 32 KB of metadata:
// the agent bundle is uploaded to the tenant bucket and fetched at boot by a small fetcher that
// does travel in the user data, pinned by SHA-256.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { buildNodeScript } from "../../common/node-script";
import { compileWriteHashWorker } from "../../transfer/write-hash-worker-script";

export interface AgentBundle {
  /** The agent as one CommonJS script (too big for user data: nodes fetch it from the bucket). */
  script: string;
  /** The small boot-time fetcher that travels in the user data. */
  fetchScript: string;
  packageJson: string;
  packageLock: string;
  /** Runtime packages and their pinned versions. */
  dependencies: Record<string, string>;
  /** Hex SHA-256 of `script`: the user data pins it, the fetcher checks it. */
  sha256: string;
}

interface LockPackage {
  version: string;
  resolved?: string;
  integrity?: string;
  license?: string;
  engines?: Record<string, string>;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  dev?: boolean;
  devOptional?: boolean;
}

const PROJECT_ROOT = path.resolve(__dirname, "..", "..", "..");

/** The lockfile entry a package resolves to from `from` (node's lookup: nearest node_modules up). */
function resolveLockKey(packages: Record<string, LockPackage>, name: string, from: string): string | undefined {
  let dir = from;
  for (;;) {
    const key = `${dir ? `${dir}/` : ""}node_modules/${name}`;
    if (packages[key]) return key;
    if (!dir) return undefined;
    const cut = dir.lastIndexOf("/node_modules/");
    dir = cut < 0 ? "" : dir.slice(0, cut);
  }
}

/** The transitive closure of `roots` in the project's lockfile, as a standalone lockfile. */
export function pinnedLockfile(roots: string[], lockfilePath = path.join(PROJECT_ROOT, "package-lock.json")): { packageJson: string; packageLock: string; dependencies: Record<string, string> } {
  const lock = JSON.parse(fs.readFileSync(lockfilePath, "utf8")) as { packages: Record<string, LockPackage> };
  const dependencies: Record<string, string> = {};
  const closure = new Map<string, LockPackage>();
  const queue: string[] = [];
  for (const name of roots) {
    const key = resolveLockKey(lock.packages, name, "");
    if (!key) throw new Error(`The agent needs ${name}, which is not in ${lockfilePath}: add it to package.json.`);
    dependencies[name] = lock.packages[key].version;
    queue.push(key);
  }
  while (queue.length > 0) {
    const key = queue.pop()!;
    if (closure.has(key)) continue;
    const entry = lock.packages[key];
    closure.set(key, entry);
    for (const dep of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) {
      const depKey = resolveLockKey(lock.packages, dep, key);
      if (depKey) queue.push(depKey);
      else if (!entry.optionalDependencies?.[dep]) throw new Error(`${key} depends on ${dep}, which ${lockfilePath} does not contain.`);
    }
  }
  const name = "tundra-hydration-agent";
  const root = { name, version: "1.0.0", private: true, dependencies };
  const packages: Record<string, unknown> = { "": root };
  for (const key of [...closure.keys()].sort()) {
    // The entry as the project's lockfile has it, minus the flags that mark dev-only packages.
    const { dev: _dev, devOptional: _devOptional, ...entry } = closure.get(key)!;
    packages[key] = entry;
  }
  return {
    packageJson: JSON.stringify(root, null, 1),
    packageLock: JSON.stringify({ name, version: "1.0.0", lockfileVersion: 3, requires: true, packages }),
    dependencies,
  };
}

let cached: AgentBundle | undefined;

interface BuiltScript {
  script: string;
  /** Packages the script requires at run time (left external by the bundle). */
  packages: string[];
}

/** `define`: identifiers replaced by JSON values in the bundle. */
function bundleEntry(entry: string, define: Record<string, string> = {}): BuiltScript {
  const result = buildNodeScript(entry, { absWorkingDir: PROJECT_ROOT, define });
  const builtins = (require("module") as typeof import("module")).builtinModules;
  const packages = new Set<string>();
  for (const input of Object.values(result.metafile.inputs)) {
    for (const imp of input.imports) {
      if (!imp.external || imp.path.startsWith("node:")) continue;
      const parts = imp.path.split("/");
      const name = imp.path.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
      if (!builtins.includes(name)) packages.add(name);
    }
  }
  return { script: result.text, packages: [...packages] };
}

/**
 * Bundles the agent (main.ts) and its boot-time fetcher (fetch-agent.ts); bare imports stay
 * external and are pinned by the lockfile instead.
 */
export function buildAgentBundle(): AgentBundle {
  if (cached) return cached;
  // The write-and-hash workers' script travels inside the agent: a node has no esbuild to compile it.
  const agent = bundleEntry(path.join(__dirname, "main.ts"), { TUNDRA_WRITE_HASH_WORKER_JS: JSON.stringify(compileWriteHashWorker()) });
  const fetcher = bundleEntry(path.join(__dirname, "fetch-agent.ts"));
  const pinned = pinnedLockfile([...new Set([...agent.packages, ...fetcher.packages])].sort());
  const sha256 = crypto.createHash("sha256").update(agent.script).digest("hex");
  cached = { script: agent.script, fetchScript: fetcher.script, ...pinned, sha256 };
  return cached;
}
