// Runs the operator scripts (scripts/plan.ts, scripts/new-tenant.ts) in a child process as
// `npm run` does, so tests see their real stdout, stderr and exit code.
import { spawnSync } from "child_process";
import * as path from "path";
import type { Plan, PlannedResource } from "../../scripts/plan/run";

const ROOT = path.resolve(__dirname, "..", "..");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a project script (path relative to the project root) with tsx, as `npm run` does. */
export function runScript(script: string, args: string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const r = spawnSync(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 60_000,
    // `plan --json` keeps values whole, the ~1.5 MB self-contained agent bundle among them.
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function runPlanCli(args: string[], env: NodeJS.ProcessEnv = {}): CliResult {
  return runScript("scripts/plan.ts", args, env);
}

/** `--json` plan of a stack; fails the test with stderr when the CLI fails. */
export function planJson(stack: string, extraArgs: string[] = [], env: NodeJS.ProcessEnv = {}): Plan {
  const r = runPlanCli(["--stack", stack, "--json", ...extraArgs], env);
  if (r.code !== 0) throw new Error(`plan --stack ${stack} exited ${r.code}:\n${r.stderr}`);
  return JSON.parse(r.stdout) as Plan;
}

/** Paths (`type name.input.path`) of every string in the planned inputs that contains `text`. */
export function inputsContaining(plan: Plan, text: string): string[] {
  const found: string[] = [];
  const walk = (value: unknown, at: string) => {
    if (typeof value === "string") {
      if (value.includes(text)) found.push(at);
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${at}[${i}]`));
    } else if (value !== null && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) walk(v, `${at}.${k}`);
    }
  };
  for (const r of plan.resources) walk(r.inputs, `${r.type} ${r.name}`);
  return found;
}

export function ofType(plan: Plan, type: string): PlannedResource[] {
  return plan.resources.filter((r) => r.type === type);
}

export const T = {
  instance: "oci:Core/instance:Instance",
  volume: "oci:Core/volume:Volume",
  attachment: "oci:Core/volumeAttachment:VolumeAttachment",
  subnet: "oci:Core/subnet:Subnet",
  bucket: "oci:ObjectStorage/bucket:Bucket",
  storageObject: "oci:ObjectStorage/storageObject:StorageObject",
  dynamicGroup: "oci:Identity/dynamicGroup:DynamicGroup",
  policy: "oci:Identity/policy:Policy",
  loadBalancer: "oci:LoadBalancer/loadBalancer:LoadBalancer",
  backendSet: "oci:LoadBalancer/backendSet:BackendSet",
  backend: "oci:LoadBalancer/backend:Backend",
  listener: "oci:LoadBalancer/listener:Listener",
  nsgRule: "oci:Core/networkSecurityGroupSecurityRule:NetworkSecurityGroupSecurityRule",
  provider: "pulumi:providers:oci",
} as const;
