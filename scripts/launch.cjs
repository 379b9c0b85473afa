// Runs an operator command (TypeScript) as one bundled CommonJS script, built on first run and
// rebuilt whenever a source it was built from changes: `node scripts/launch.cjs scripts/sync.ts ...`.
// Why: under tsx, every run paid ~0.35-0.6 s of CPU to start (resolving and transforming each
// module, tsx's cache look-ups) before copying a byte; bench:sync counts that per GB moved. The
// bundle (esbuild, a dependency) starts in a fraction of that. Nothing to remember after `npm ci`:
// the cache lives in node_modules/.cache/tundra-launch and is keyed by the entry, the sizes and
// modification times of every source file the bundle was built from, and the installed packages
// (node_modules/.package-lock.json), so an edit or an install rebuilds it on the next run.
// Packages stay outside the bundle (loaded by Node as installed), except what the hydration agent
// also bundles for its write-and-hash workers (compiled in, as components/hydration/agent/bundle.ts does).
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const Module = require("module");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const CACHE = path.join(ROOT, "node_modules", ".cache", "tundra-launch");
const BUILD_VERSION = 1; // bump when the build options below change

function usage() {
  process.stderr.write("usage: node scripts/launch.cjs <entry.ts> [arguments...]\n");
  process.exit(2);
}

/** [size, mtimeMs] of a file, or undefined when it is gone. */
function stamp(file) {
  try {
    const s = fs.statSync(file);
    return [s.size, s.mtimeMs];
  } catch {
    return undefined;
  }
}

function sameStamp(a, b) {
  return a !== undefined && b !== undefined && a[0] === b[0] && a[1] === b[1];
}

/** The bundle and its manifest for `entry`, if the manifest's sources are all unchanged. */
function cached(bundle, manifestFile) {
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8"));
  } catch {
    return false;
  }
  if (manifest.version !== BUILD_VERSION || manifest.node !== process.versions.node) return false;
  for (const [file, s] of manifest.inputs) if (!sameStamp(stamp(path.join(ROOT, file)), s)) return false;
  return fs.existsSync(bundle);
}

function build(entry, bundle, manifestFile) {
  const esbuild = require("esbuild");
  const started = Date.now();
  const common = { bundle: true, platform: "node", format: "cjs", target: "node22", write: false, metafile: true, logLevel: "silent", absWorkingDir: ROOT, legalComments: "none", packages: "external", keepNames: true };
  // The write-and-hash worker compiled in, as the agent's bundle carries it (write-hash-worker-script.ts).
  const worker = esbuild.buildSync({ ...common, entryPoints: [path.join(ROOT, "components", "transfer", "write-hash-worker.ts")], minify: true });
  const result = esbuild.buildSync({ ...common, entryPoints: [entry], define: { TUNDRA_WRITE_HASH_WORKER_JS: JSON.stringify(worker.outputFiles[0].text) } });
  const sources = new Set([...Object.keys(worker.metafile.inputs), ...Object.keys(result.metafile.inputs)].filter((f) => !f.includes("node_modules/")));
  // Packages are loaded as installed: an install (which rewrites this file) rebuilds as well.
  sources.add(path.join("node_modules", ".package-lock.json"));
  sources.add(path.relative(ROOT, __filename));
  const inputs = [...sources].sort().map((file) => [file, stamp(path.join(ROOT, file))]);
  fs.mkdirSync(CACHE, { recursive: true });
  // Written under unique names, then renamed: two runs starting at once never read a half-written file.
  const tmp = `.${process.pid}.${crypto.randomBytes(4).toString("hex")}`;
  fs.writeFileSync(bundle + tmp, result.outputFiles[0].text);
  fs.renameSync(bundle + tmp, bundle);
  // A source saved while the build read it (its stamp is not older than the build) may be in the
  // bundle half-old: no manifest then, so the next run builds again instead of trusting it.
  if (inputs.some(([, s]) => s === undefined || s[1] >= started)) return;
  fs.writeFileSync(manifestFile + tmp, JSON.stringify({ version: BUILD_VERSION, node: process.versions.node, entry: path.relative(ROOT, entry), inputs }));
  fs.renameSync(manifestFile + tmp, manifestFile);
}

/** Without a writable cache (a read-only or another user's node_modules): the entry from source, through tsx. */
function runFromSource(entry, err) {
  process.stderr.write(`launch: cannot write the bundle cache ${CACHE} (${err.code || err.message}); running ${path.relative(ROOT, entry)} from source through tsx (slower to start). Make node_modules/.cache writable to start faster.\n`);
  require("tsx/cjs");
  process.argv = [process.argv[0], entry, ...process.argv.slice(3)];
  Module.runMain();
}

function main() {
  const entryArg = process.argv[2];
  if (!entryArg || !entryArg.endsWith(".ts")) usage();
  const entry = path.resolve(entryArg);
  const name = crypto.createHash("sha256").update(path.relative(ROOT, entry)).digest("hex").slice(0, 16);
  // Bundles live next to the project so that their bare imports resolve from its node_modules.
  const bundle = path.join(CACHE, `${path.basename(entry, ".ts")}-${name}.js`);
  const manifestFile = path.join(CACHE, `${path.basename(entry, ".ts")}-${name}.json`);
  if (!cached(bundle, manifestFile)) {
    try {
      build(entry, bundle, manifestFile);
    } catch (err) {
      if (!["EACCES", "EPERM", "EROFS"].includes(err && err.code)) throw err;
      return runFromSource(entry, err);
    }
  }
  // Node's on-disk compile cache (22.1+) for the bundle and the packages it loads: V8 reuses their
  // compiled code instead of compiling again on every run.
  if (typeof Module.enableCompileCache === "function") Module.enableCompileCache(path.join(CACHE, "v8"));
  // The bundle runs as the main module (its `require.main === module` holds), with the arguments after the entry.
  process.argv = [process.argv[0], bundle, ...process.argv.slice(3)];
  Module.runMain();
}

main();
