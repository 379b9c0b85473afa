// The layers of /work/shared/DESIGN.md ("Layers"), read from the imports of every .ts file under
// components/ and stacks/: arrows point down only.
//   - nothing under components/ imports stacks/ (the program sits on top; domain data such as OCI
//     regions and Flex shapes lives in components/oci/);
//   - no stage (stacks/*-stage.ts) imports another stage: each reads the earlier stages' typed
//     resources from its arguments (stacks/tenant.ts wires them);
//   - no engine (transfer, the cutover engine, the region engine, the decommission assessment,
//     components/common) reaches a resource class or Pulumi, directly or through what it imports.
import * as fs from "fs";
import * as path from "path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..", "..");

/** Project-relative path -> what it imports: project-relative paths, or package names. */
type ImportGraph = Map<string, string[]>;

function tsFilesUnder(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : tsFilesUnder(rel);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [rel] : [];
  });
}

/** A relative specifier as the project file it names (`./x`, `./x.js`, `./dir` -> `dir/index.ts`). */
function resolveSpecifier(from: string, specifier: string): string {
  if (!specifier.startsWith(".")) return specifier;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier)).replace(/\.js$/, "");
  for (const candidate of [base, `${base}.ts`, `${base}/index.ts`]) {
    if (fs.existsSync(path.join(ROOT, candidate)) && fs.statSync(path.join(ROOT, candidate)).isFile()) return candidate;
  }
  return `${base}.ts`;
}

/** Static imports and re-exports, `import()`, `require()` and `import x = require()`: type-only ones too. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), "utf8");
  const { importedFiles } = ts.preProcessFile(text, true, true);
  return importedFiles.map((f) => resolveSpecifier(file, f.fileName));
}

function projectGraph(): ImportGraph {
  return new Map([...tsFilesUnder("components"), ...tsFilesUnder("stacks")].map((file) => [file, importsOf(file)]));
}

const isStage = (file: string) => /^stacks\/[^/]+-stage\.ts$/.test(file);

/** Engines: plain TypeScript with their own tests. The cutover engine's and the region engine's helpers are what they import. */
const isEngineEntry = (file: string) =>
  /^components\/(transfer|common)\//.test(file) ||
  ["components/cutover/engine.ts", "components/region/relocation-engine.ts", "components/decommission/assess.ts"].includes(file);

const RESOURCE_CLASS = /\bextends\s+(pulumi\.)?(ComponentResource|CustomResource|ProviderResource|dynamic\.Resource)\b/;
const isResourceClassFile = (file: string) => fs.existsSync(path.join(ROOT, file)) && RESOURCE_CLASS.test(fs.readFileSync(path.join(ROOT, file), "utf8"));

/** Every module `file` reaches through its imports, with the chain that reaches it. */
function reachable(graph: ImportGraph, file: string): Map<string, string[]> {
  const chains = new Map<string, string[]>([[file, [file]]]);
  const queue = [file];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const next of graph.get(current) ?? []) {
      if (chains.has(next)) continue;
      chains.set(next, [...chains.get(current)!, next]);
      if (graph.has(next)) queue.push(next);
    }
  }
  chains.delete(file);
  return chains;
}

/** The layer violations of a graph, one line each. */
function layerViolations(graph: ImportGraph, isResourceClass: (file: string) => boolean = isResourceClassFile): string[] {
  const problems: string[] = [];
  for (const [file, imports] of graph) {
    for (const imported of imports) {
      if (file.startsWith("components/") && imported.startsWith("stacks/")) problems.push(`components -> stacks: ${file} imports ${imported}`);
      if (isStage(file) && isStage(imported) && imported !== file) problems.push(`stage -> stage: ${file} imports ${imported}`);
    }
    if (!isEngineEntry(file)) continue;
    for (const [reached, chain] of reachable(graph, file)) {
      if (reached.startsWith("@pulumi/")) problems.push(`engine -> Pulumi: ${chain.join(" -> ")}`);
      else if (graph.has(reached) && isResourceClass(reached)) problems.push(`engine -> resource class: ${chain.join(" -> ")}`);
    }
  }
  return problems;
}

describe("import layers (DESIGN.md, Layers)", () => {
  const graph = projectGraph();

  it("reads the whole tree: components/, stacks/, the stages and the engines", () => {
    expect(graph.size).toBeGreaterThan(100);
    expect([...graph.keys()].filter(isStage).sort()).toEqual([
      "stacks/cutover-stage.ts", "stacks/data-sync-stage.ts", "stacks/hydration-stage.ts", "stacks/validation-stage.ts",
    ]);
    expect([...graph.keys()].filter(isEngineEntry)).toEqual(expect.arrayContaining(["components/cutover/engine.ts", "components/transfer/sync.ts", "components/common/clock.ts"]));
    // The parser sees type-only imports too: a stage's type import of another stage is still an edge.
    expect(graph.get("stacks/foundation.ts")).toContain("components/oci/index.ts");
  });

  it("has no arrow pointing up: components -> stacks, stage -> stage, engine -> resource class or Pulumi", () => {
    expect(layerViolations(graph)).toEqual([]);
  });

  it("names each kind of violation, with the chain that reaches a resource class from an engine", () => {
    const bad: ImportGraph = new Map([
      ["components/oci/preflight.ts", ["stacks/shapes.ts"]],
      ["stacks/validation-stage.ts", ["stacks/cutover-stage.ts", "stacks/probe-url.ts"]],
      ["stacks/cutover-stage.ts", []],
      ["components/cutover/engine.ts", ["components/cutover/records.ts"]],
      ["components/cutover/records.ts", ["components/cutover/cutover.ts"]],
      ["components/cutover/cutover.ts", []],
      ["components/transfer/sync.ts", ["@pulumi/pulumi"]],
    ]);
    expect(layerViolations(bad, (file) => file === "components/cutover/cutover.ts")).toEqual([
      "components -> stacks: components/oci/preflight.ts imports stacks/shapes.ts",
      "stage -> stage: stacks/validation-stage.ts imports stacks/cutover-stage.ts",
      "engine -> resource class: components/cutover/engine.ts -> components/cutover/records.ts -> components/cutover/cutover.ts",
      "engine -> Pulumi: components/transfer/sync.ts -> @pulumi/pulumi",
    ]);
  });
});
