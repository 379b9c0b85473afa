// Which stacks a change touches, as JSON for a GitHub Actions matrix (.github/workflows/review.yml).
//   npx tsx scripts/changed-stacks.ts --base origin/main          files changed since the merge base
//   npx tsx scripts/changed-stacks.ts Pulumi.prod.yaml docs/x.md  the files named
//   ... --github-output                                           name=value lines for $GITHUB_OUTPUT
// A stack file `Pulumi.<stack>.yaml` touches its stack; docs, Markdown, tests and CI plumbing touch
// none; anything else (components/, stacks/, scripts/, policy/, package files, Pulumi.yaml, and
// files nobody classified yet) touches every stack: previewing too much is cheap, missing one is not.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { parse as parseYaml } from "yaml";

const USAGE = `usage: npx tsx scripts/changed-stacks.ts [--base <git ref>] [--dir <project dir>] [--github-output] [file ...]
Prints the stacks the changed files touch: {"all":{"include":[...]},"staging":{...},"production":{...}},
each entry {"stack","env","environment"}; "production" holds the prod stacks, "staging" every other one.
  --base <ref>       changed files = git diff --name-only <ref>...HEAD (what a pull request shows)
  --dir <dir>        project directory (default: this project)
  --github-output    print name=value lines instead (all, staging, production, any_staging, any_production)`;

const STACK_FILE = /^Pulumi\.([A-Za-z0-9_.-]+)\.ya?ml$/;
/** Paths that change no stack. Prefixes end in "/". */
const TOUCHES_NONE = ["docs/", "test/", ".github/", ".ci/", ".gitignore", "LICENSE"];

export interface StackEntry {
  stack: string;
  env: string;
  /** GitHub environment the deploy job runs in: production (approval required) or staging. */
  environment: "production" | "staging";
}

export function touchesNoStack(file: string): boolean {
  return file.endsWith(".md") || TOUCHES_NONE.some((p) => (p.endsWith("/") ? file.startsWith(p) : file === p));
}

/** Names of the stacks the changed files touch, sorted; `stacks` is every stack of the project. */
export function stacksTouchedBy(changedFiles: readonly string[], stacks: readonly string[]): string[] {
  const touched = new Set<string>();
  for (const file of changedFiles.map((f) => f.replace(/^\.\//, ""))) {
    const stackFile = STACK_FILE.exec(file);
    if (stackFile) {
      // A deleted stack file has no config left to preview or deploy.
      if (stacks.includes(stackFile[1])) touched.add(stackFile[1]);
    } else if (!touchesNoStack(file)) {
      return [...stacks].sort();
    }
  }
  return [...touched].sort();
}

/** Every stack of the project (`Pulumi.<stack>.yaml` beside Pulumi.yaml) with its environment. */
export function projectStacks(dir: string): StackEntry[] {
  return fs.readdirSync(dir)
    .map((f) => STACK_FILE.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => {
      const doc = (parseYaml(fs.readFileSync(path.join(dir, m[0]), "utf8")) ?? {}) as { config?: Record<string, any> };
      // The OCI tenant stack names its env in tundra:tenant, the AWS-side stack in tundra:awsSide.
      const env = String(doc.config?.["tundra:tenant"]?.env ?? doc.config?.["tundra:awsSide"]?.env ?? "unknown");
      // Unknown env: treated as production, so it waits for an approval rather than deploying.
      const environment: StackEntry["environment"] = env === "prod" || env === "unknown" ? "production" : "staging";
      return { stack: m[1], env, environment };
    })
    .sort((a, b) => a.stack.localeCompare(b.stack));
}

export function changedFilesSince(base: string, dir: string): string[] {
  const out = execFileSync("git", ["diff", "--name-only", `${base}...HEAD`], { cwd: dir, encoding: "utf8" });
  return out.split("\n").filter((l) => l.length > 0);
}

export function stackMatrices(changedFiles: readonly string[], all: readonly StackEntry[]) {
  const names = stacksTouchedBy(changedFiles, all.map((s) => s.stack));
  const touched = all.filter((s) => names.includes(s.stack));
  return {
    all: { include: touched },
    staging: { include: touched.filter((s) => s.environment === "staging") },
    production: { include: touched.filter((s) => s.environment === "production") },
  };
}

function main(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { base: { type: "string" }, dir: { type: "string" }, "github-output": { type: "boolean", default: false }, help: { type: "boolean", default: false } },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!values.base && positionals.length === 0) {
    process.stderr.write(`no changed files: give --base <ref> or the files\n${USAGE}\n`);
    return 2;
  }
  const dir = path.resolve(values.dir ?? path.join(__dirname, ".."));
  const files = [...(values.base ? changedFilesSince(values.base, dir) : []), ...positionals];
  const matrices = stackMatrices(files, projectStacks(dir));
  if (values["github-output"]) {
    const lines = [
      ...Object.entries(matrices).map(([name, m]) => `${name}=${JSON.stringify(m)}`),
      `any_staging=${matrices.staging.include.length > 0}`,
      `any_production=${matrices.production.include.length > 0}`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  } else {
    process.stdout.write(`${JSON.stringify(matrices)}\n`);
  }
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`changed-stacks: ${(err as Error).message}\n${USAGE}\n`);
    process.exitCode = 2;
  }
}
