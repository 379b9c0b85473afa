// Every file in .github/workflows is valid against GitHub's workflow schema, checked by the
// registry's validator (@action-validator/cli, pinned), run as a CLI on each file; a deliberately
// broken workflow proves the validator fails. Then what the review and deploy workflows promise:
// actions pinned by major version at least, Node 22, AWS credentials from OIDC only, the prod
// deploy behind the production environment.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { useTempDir } from "../support/temp-dir";

const ROOT = path.resolve(__dirname, "../..");
const WORKFLOWS = path.join(ROOT, ".github", "workflows");
const VALIDATOR = path.join(path.dirname(require.resolve("@action-validator/cli/package.json", { paths: [ROOT] })), "cli.mjs");
const workflowFiles = fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f)).sort();
/** The workflows of docs/review.md (other files, e.g. fleet.yml, are only schema-checked and pin-checked). */
const REVIEW_WORKFLOWS = ["deploy.yml", "pulumi-stack.yml", "review.yml"];

function validate(file: string) {
  const r = spawnSync(process.execPath, [VALIDATOR, file], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
}

type Step = { uses?: string; with?: Record<string, unknown>; run?: string; if?: string };
type Job = { "runs-on"?: string; uses?: string; steps?: Step[]; permissions?: Record<string, string>; environment?: string; if?: string; with?: Record<string, unknown> };
const load = (file: string) => parseYaml(fs.readFileSync(path.join(WORKFLOWS, file), "utf8")) as { jobs: Record<string, Job> };
const steps = (file: string) => Object.values(load(file).jobs).flatMap((j) => j.steps ?? []);

describe("the workflow validator (@action-validator/cli)", () => {
  const tmp = useTempDir("workflows");

  it.each(workflowFiles)("accepts .github/workflows/%s", (file) => {
    const r = validate(path.join(WORKFLOWS, file));
    expect(r.output).toBe("");
    expect(r.code).toBe(0);
  });

  it("covers the review workflows", () => {
    expect(workflowFiles).toEqual(expect.arrayContaining(REVIEW_WORKFLOWS));
  });

  it("refuses a broken workflow: a job with `step:` and no runs-on", () => {
    const file = path.join(tmp(), "broken.yml");
    fs.writeFileSync(file, "name: broken\non: push\njobs:\n  build:\n    step:\n      - run: echo hi\n");
    const r = validate(file);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.output).errors).toEqual([expect.objectContaining({ path: "/jobs/build" })]);
  });

  it("refuses a workflow that is not YAML", () => {
    const file = path.join(tmp(), "unparsable.yml");
    fs.writeFileSync(file, "name: x\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n   bad: [\n");
    const r = validate(file);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.output).errors[0].code).toBe("parse_error");
  });
});

describe("what the workflows promise", () => {
  it.each(workflowFiles)("%s pins every action by major version at least (or a commit)", (file) => {
    for (const step of steps(file).filter((s) => s.uses && !s.uses.startsWith("./"))) {
      expect(step.uses, file).toMatch(/@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/);
    }
  });

  it.each(REVIEW_WORKFLOWS)("%s runs Node 22", (file) => {
    const setups = steps(file).filter((s) => s.uses?.startsWith("actions/setup-node@"));
    expect(setups.length).toBeGreaterThan(0);
    for (const s of setups) expect(s.with?.["node-version"]).toBe(22);
  });

  it("takes AWS credentials from OIDC (role-to-assume, id-token: write), never stored keys", () => {
    const job = load("pulumi-stack.yml").jobs.pulumi;
    expect(job.permissions?.["id-token"]).toBe("write");
    const aws = job.steps!.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"))!;
    expect(aws.with?.["role-to-assume"]).toBe("${{ vars.AWS_ROLE_ARN }}");
    for (const file of REVIEW_WORKFLOWS) {
      const text = fs.readFileSync(path.join(WORKFLOWS, file), "utf8");
      expect(text).not.toMatch(/aws-access-key-id|aws-secret-access-key|AKIA[0-9A-Z]{16}|BEGIN [A-Z ]*PRIVATE KEY/);
    }
  });

  it("previews with the diff and the policy pack, and skips cleanly without credentials", () => {
    const job = load("pulumi-stack.yml").jobs.pulumi;
    const pulumi = job.steps!.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
    expect(pulumi.uses).toBe("pulumi/actions@v6");
    expect(pulumi.with).toMatchObject({ diff: true, policyPacks: "policy", policyPackConfigs: "${{ runner.temp }}/policy-config.json" });
    // Every step that needs the cloud or the checkout waits for the credentials check.
    for (const s of job.steps!.slice(1)) expect(s.if).toBe("steps.creds.outputs.configured == 'true'");
  });

  it("runs the stack selection through scripts/changed-stacks.ts, and the plan diff against the PR's base", () => {
    for (const file of ["review.yml", "deploy.yml"]) expect(steps(file).some((s) => s.run?.includes("npx tsx scripts/changed-stacks.ts --base"))).toBe(true);
    expect(steps("review.yml").some((s) => s.run?.includes('npm run --silent plan -- --stack "$STACK" --diff "origin/$BASE_REF"'))).toBe(true);
  });

  it("deploys staging on merge, then prod in the production environment (approval), never after a failed staging", () => {
    const jobs = load("deploy.yml").jobs;
    expect(jobs.staging.with).toMatchObject({ command: "up", environment: "staging" });
    expect(jobs.production.with).toMatchObject({ command: "up", environment: "production" });
    expect(jobs.production.if).toContain("needs.staging.result == 'success' || needs.staging.result == 'skipped'");
    expect(load("pulumi-stack.yml").jobs.pulumi.environment).toBe("${{ inputs.environment }}");
  });
});
