// scripts/changed-stacks.ts: changed files -> the stacks a pull request previews and a merge
// deploys, as the workflow matrix reads them. The CLI runs as the workflow runs it, also against
// a real git history in a temp project.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { projectStacks, stacksTouchedBy } from "../../scripts/changed-stacks";
import { runScript } from "../support/scripts";
import { useTempDir } from "../support/temp-dir";

const ROOT = path.resolve(__dirname, "../..");
const STACKS = ["acme-prod-awsside", "prod", "staging"];
const cli = (args: string[]) => runScript("scripts/changed-stacks.ts", args);

describe("stacksTouchedBy", () => {
  it("a stack file touches its own stack only", () => {
    expect(stacksTouchedBy(["Pulumi.staging.yaml"], STACKS)).toEqual(["staging"]);
    expect(stacksTouchedBy(["Pulumi.acme-prod-awsside.yaml", "Pulumi.prod.yaml"], STACKS)).toEqual(["acme-prod-awsside", "prod"]);
  });

  it.each(["components/oci/bucket.ts", "stacks/tenant.ts", "package.json", "package-lock.json", "Pulumi.yaml", "tsconfig.json", "scripts/validate.ts", "policy/rules.ts"])(
    "shared code (%s) touches every stack",
    (file) => expect(stacksTouchedBy(["Pulumi.staging.yaml", file], STACKS)).toEqual(STACKS),
  );

  it.each(["docs/review.md", "README.md", "components/transfer/NOTES.md", "test/plan/plan.test.ts", "test/support/s3rver.ts", ".github/workflows/review.yml", ".ci/run"])(
    "%s touches no stack",
    (file) => expect(stacksTouchedBy([file], STACKS)).toEqual([]),
  );

  it("a deleted stack file touches nothing (no config left to deploy)", () => {
    expect(stacksTouchedBy(["Pulumi.acme-dev.yaml"], STACKS)).toEqual([]);
  });
});

describe("projectStacks", () => {
  it("lists this project's stacks with their env; prod stacks deploy in the production environment", () => {
    expect(projectStacks(ROOT)).toEqual([
      { stack: "acme-prod-awsside", env: "prod", environment: "production" },
      { stack: "prod", env: "prod", environment: "production" },
      { stack: "staging", env: "staging", environment: "staging" },
    ]);
  });
});

describe("the CLI", () => {
  const tmp = useTempDir("changed-stacks");

  it("--help prints the usage and exits 0", () => {
    const r = cli(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: npx tsx scripts\/changed-stacks.ts/);
  });

  it("exits 2 with the usage when given no files and no --base", () => {
    const r = cli([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("usage:");
  });

  it("prints the matrices as one JSON document", () => {
    const r = cli(["Pulumi.staging.yaml", "docs/review.md"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      all: { include: [{ stack: "staging", env: "staging", environment: "staging" }] },
      staging: { include: [{ stack: "staging", env: "staging", environment: "staging" }] },
      production: { include: [] },
    });
  });

  it("--github-output prints name=value lines for $GITHUB_OUTPUT", () => {
    const r = cli(["--github-output", "Pulumi.prod.yaml"]);
    expect(r.stdout.trim().split("\n")).toEqual([
      `all=${JSON.stringify({ include: [{ stack: "prod", env: "prod", environment: "production" }] })}`,
      `staging=${JSON.stringify({ include: [] })}`,
      `production=${JSON.stringify({ include: [{ stack: "prod", env: "prod", environment: "production" }] })}`,
      "any_staging=false",
      "any_production=true",
    ]);
  });

  it("--base reads the files changed since the merge base from git", () => {
    const dir = tmp();
    const git = (...args: string[]) => execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], { cwd: dir, encoding: "utf8" });
    const write = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    };
    git("init", "-q", "-b", "main");
    write("Pulumi.yaml", "name: p\nruntime: nodejs\n");
    write("Pulumi.acme-dev.yaml", "config:\n  tundra:tenant:\n    env: dev\n");
    write("Pulumi.acme-prod.yaml", "config:\n  tundra:tenant:\n    env: prod\n");
    git("add", "-A");
    git("commit", "-q", "-m", "base");
    git("checkout", "-q", "-b", "change");
    write("Pulumi.acme-dev.yaml", "config:\n  tundra:tenant:\n    env: dev\n  tundra:tags: {a: b}\n");
    write("docs/notes.md", "notes\n");
    git("add", "-A");
    git("commit", "-q", "-m", "change");
    const r = cli(["--dir", dir, "--base", "main"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).all.include).toEqual([{ stack: "acme-dev", env: "dev", environment: "staging" }]);

    write("components/x.ts", "export {};\n");
    git("add", "-A");
    git("commit", "-q", "-m", "shared code");
    const all = JSON.parse(cli(["--dir", dir, "--base", "main"]).stdout);
    expect(all.staging.include.map((s: { stack: string }) => s.stack)).toEqual(["acme-dev"]);
    expect(all.production.include.map((s: { stack: string }) => s.stack)).toEqual(["acme-prod"]);
  });
});
