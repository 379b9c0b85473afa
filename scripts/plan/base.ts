// The plans `--diff BASE` compares against: a saved `plan --json` document, or every stack of a
// git ref, planned in a temporary copy of that ref's tree (its own program, its own config files)
// with this tree's node_modules. Each plan runs in its own process: Pulumi's runtime is
// process-global (scripts/plan/run.ts).
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Plan } from "./run";

/** Stack names of the Pulumi.<stack>.yaml files in a directory. */
export function stacksIn(dir: string): string[] {
  return fs.readdirSync(dir).flatMap((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1] ?? []).sort();
}

/** `plan --json` of a stack of the tree at `root`, in a child process (tsx from `root`'s node_modules). */
export function planJsonIn(root: string, stack: string): Plan {
  const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/plan.ts", "--stack", stack, "--json"], { cwd: root, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`plan of stack ${stack} in ${root} exited ${r.status}:\n${r.stderr}`);
  return withDefaults(JSON.parse(r.stdout) as Plan);
}

/** Plans made before the edges and mock values were recorded (an older base) have neither: read them as none. */
function withDefaults(doc: Plan): Plan {
  return { ...doc, mockValues: doc.mockValues ?? [], resources: doc.resources.map((r) => ({ ...r, dependsOn: r.dependsOn ?? [] })) };
}

/** A saved `plan --json` document. */
export function readSavedPlan(file: string): Plan {
  const doc = JSON.parse(fs.readFileSync(file, "utf8")) as Plan;
  if (typeof doc?.stack !== "string" || !Array.isArray(doc.resources)) throw new Error(`${file} is not a plan --json document (no "stack" and "resources")`);
  return withDefaults(doc);
}

/**
 * Runs `use` with the tree of `ref` extracted into a temp dir (`git archive`: no worktree is
 * registered in the repository), node_modules linked from `root`; removed afterwards whatever
 * happens. Throws when `ref` is not a commit.
 */
export async function withTreeOf<T>(root: string, ref: string, use: (dir: string) => Promise<T> | T): Promise<T> {
  let commit: string;
  try {
    commit = execFileSync("git", ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  } catch {
    throw new Error(`--diff ${ref}: neither a saved plan file nor a git commit in ${root}`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tundra-plan-base-"));
  try {
    const tar = execFileSync("git", ["archive", "--format=tar", commit], { cwd: root, maxBuffer: 1024 * 1024 * 1024 });
    execFileSync("tar", ["-x", "-C", dir], { input: tar });
    fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
    return await use(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
