// scripts/launch.cjs, what `npm run sync` runs: the command as one bundle, built on first run into
// node_modules/.cache/tundra-launch and rebuilt when a source it was built from changes.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..", "..");
const LAUNCH = path.join(ROOT, "scripts", "launch.cjs");

function launch(entry: string, args: string[], nodeFlags: string[] = []) {
  const r = spawnSync(process.execPath, [...nodeFlags, LAUNCH, entry, ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("scripts/launch.cjs", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tundra-launch-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("runs the entry as the main module with its arguments, builds once, and rebuilds when an imported source changes", () => {
    const entry = path.join(dir, "entry.ts");
    const helper = path.join(dir, "helper.ts");
    fs.writeFileSync(helper, `export const greeting: string = "hello";\n`);
    fs.writeFileSync(entry, `import { greeting } from "./helper";\nif (require.main === module) process.stdout.write(\`\${greeting} \${process.argv.slice(2).join(",")}\`);\n`);
    const bundles = () => fs.readdirSync(path.join(ROOT, "node_modules", ".cache", "tundra-launch")).filter((f) => f.startsWith("entry-") && f.endsWith(".js"));

    expect(launch(entry, ["a", "b c"])).toMatchObject({ code: 0, stdout: "hello a,b c" });
    const [bundle] = bundles();
    const bundlePath = path.join(ROOT, "node_modules", ".cache", "tundra-launch", bundle);
    const built = fs.statSync(bundlePath).mtimeMs;

    // Unchanged sources: the cached bundle runs as it is.
    expect(launch(entry, ["again"])).toMatchObject({ code: 0, stdout: "hello again" });
    expect(fs.statSync(bundlePath).mtimeMs).toBe(built);

    // A changed import (another size) is picked up on the next run.
    fs.writeFileSync(helper, `export const greeting: string = "hello, changed";\n`);
    expect(launch(entry, ["x"])).toMatchObject({ code: 0, stdout: "hello, changed x" });
    fs.rmSync(bundlePath);
    fs.rmSync(bundlePath.replace(/\.js$/, ".json"));
  });

  it("runs npm run sync's command from its bundle: usage on --help, exit 2 on a bad flag", () => {
    const help = launch("scripts/sync.ts", ["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npm run sync/);
    const bad = launch("scripts/sync.ts", ["--no-such-flag"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no-such-flag/);
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts.sync).toBe("node scripts/launch.cjs scripts/sync.ts");
  });

  it("without a writable cache (a read-only or another user's node_modules) runs the command from source, saying why", () => {
    // The cache directory cannot be made, as on a read-only file system.
    const readOnly = path.join(dir, "read-only-cache.cjs");
    fs.writeFileSync(readOnly, `const fs = require("fs"); const mkdirSync = fs.mkdirSync;
fs.mkdirSync = (p, o) => { if (String(p).includes("tundra-launch")) throw Object.assign(new Error("EROFS: read-only file system, mkdir '" + p + "'"), { code: "EROFS" }); return mkdirSync(p, o); };`);
    // An entry never built before, so the launcher must build (and fail to cache) it.
    const entry = path.join(dir, "fresh.ts");
    fs.writeFileSync(entry, `const n: number = 42;\nif (require.main === module) process.stdout.write(\`ran \${n} \${process.argv.slice(2).join(",")}\`);\n`);
    const r = launch(entry, ["a"], ["--require", readOnly]);
    expect(r).toMatchObject({ code: 0, stdout: "ran 42 a" });
    expect(r.stderr).toMatch(/cannot write the bundle cache .*tundra-launch \(EROFS\); running .*fresh\.ts from source through tsx/);
  });
});
