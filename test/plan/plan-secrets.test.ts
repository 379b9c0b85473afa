// Values set with `pulumi config set --secret` stay secret: in what the program hands the engine
// (checked on the serialized registrations, with the values in clear as the CLI decrypts them)
// and in the offline plan, which plans `secure:` values as placeholders marked secret. Also the
// plan CLI's `--json` through a slow pipe (it used to exit before a pipe took all of stdout).
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import type { Plan } from "../../scripts/plan/run";
import { SECRET_PLACEHOLDER, withSecretPlaceholders } from "../../scripts/plan/secrets";
import { parseStackConfig } from "../../stacks/config";
import { inputsContaining, runPlanCli, runScript } from "../support/scripts";
import { useTempDir } from "../support/temp-dir";

const ROOT = path.resolve(__dirname, "../..");
const SECRET_SIG = { key: "4dabf18193072939515e22adb298388d", value: "1b47061264138c4ac30d75fd1eb44270" };
const stackConfig = (stack: string) => (parseYaml(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, any> }).config;
const CIPHERTEXT = "v1:AAAABBBBencryptedbypulumi==";

/** Every string of a serialized value that is not inside a secret (what the state would hold in clear). */
function clearStrings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(clearStrings);
  if (value !== null && typeof value === "object") {
    if ((value as Record<string, unknown>)[SECRET_SIG.key] === SECRET_SIG.value) return [];
    return Object.entries(value).flatMap(([k, v]) => [k, ...clearStrings(v)]);
  }
  return [];
}

interface Serialized {
  type: string;
  name: string;
  object: unknown;
  additionalSecretOutputs?: string[];
}

/** additionalSecretOutputs of each registered resource whose name ends with one of the suffixes. */
function secretOutputsOf(serialized: Serialized[], suffixes: string[]): Record<string, string[]> {
  return Object.fromEntries(suffixes.map((suffix) => [suffix, serialized.find((s) => s.name.endsWith(suffix))?.additionalSecretOutputs ?? []]));
}

function planWithClearSecrets(stack: string, file: string, clear: Record<string, unknown>): { plan: Plan; serialized: Serialized[] } {
  const env = { TUNDRA_TEST_SECRETS: JSON.stringify(Object.fromEntries(Object.entries(clear).map(([k, v]) => [k, JSON.stringify(v)]))) };
  const r = runScript("test/fixtures/secret-config-plan.ts", [stack, file], env);
  if (r.code !== 0) throw new Error(`fixture exited ${r.code}:\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe("secret config values reach the engine only as secrets", () => {
  const dir = useTempDir("tundra-secrets");

  it("a secret external id (tundra:awsSide.syncRunner.externalId) is never in clear", () => {
    const config = stackConfig("acme-prod-awsside");
    const awsSide = structuredClone(config["tundra:awsSide"]);
    config["tundra:awsSide"].syncRunner.externalId = { secure: CIPHERTEXT };
    const file = path.join(dir(), "Pulumi.ext.yaml");
    fs.writeFileSync(file, stringifyYaml({ config }));
    const externalId = "ext-7f3a9c21-d00d-clear";
    awsSide.syncRunner.externalId = externalId;

    const { plan, serialized } = planWithClearSecrets("ext", file, { "tundra:awsSide": awsSide });
    expect(JSON.stringify(plan)).not.toContain(externalId);
    expect(serialized.flatMap((s) => clearStrings(s.object).filter((t) => t.includes(externalId)).map((t) => `${s.type} ${s.name}: ${t}`))).toEqual([]);
    // It does reach the role's trust policy, as a secret.
    const role = serialized.find((s) => s.type === "aws:iam/role:Role")!;
    expect(JSON.stringify(role.object)).toContain(externalId);
    expect(plan.resources.find((r) => r.type === "aws:iam/role:Role")!.inputs.assumeRolePolicy).toBe("[secret]");
    // The guard's texts quote the tundra:awsSide facts: they are stored as secrets.
    expect(secretOutputsOf(serialized, ["-decommission-guard"])).toEqual({ "-decommission-guard": ["blockers", "verdict"] });
  });

  it("a secret tundra:validation (URL, query bodies) is never in clear, not even in the command's environment", () => {
    const config = stackConfig("staging");
    const validation = structuredClone(config["tundra:validation"]);
    config["tundra:validation"] = { secure: CIPHERTEXT };
    // A relocation too, for its outputs' marking (as in test/region/region-plan.test.ts).
    config["tundra:relocations"] = [{
      name: "legacy-app",
      source: { region: "us-ashburn-1", compartmentId: "ocid1.compartment.oc1..aaaaapp", instanceId: "ocid1.instance.oc1.iad.aaaaapp", bucket: "migration-staging" },
      target: {
        region: "sa-bogota-1", compartmentId: "ocid1.compartment.oc1..aaaaapp", availabilityDomain: "Uocm:SA-BOGOTA-1-AD-1",
        subnetId: "ocid1.subnet.oc1.sa-bogota-1.aaaaapp", shape: "VM.Standard.E4.Flex", ocpus: 2, memoryInGBs: 32,
      },
    }];
    const file = path.join(dir(), "Pulumi.val.yaml");
    fs.writeFileSync(file, stringifyYaml({ config }));
    validation.awsUrl = "https://aws-q8v1-clear.example.com";
    validation.queries[1].body = '{"sql":"select zq_secret_column_5531 from sales"}';

    const { plan, serialized } = planWithClearSecrets("val", file, { "tundra:validation": validation });
    for (const secret of ["aws-q8v1-clear", "zq_secret_column_5531"]) {
      expect(JSON.stringify(plan)).not.toContain(secret);
      expect(serialized.flatMap((s) => clearStrings(s.object).filter((t) => t.includes(secret)).map((t) => `${s.type} ${s.name}: ${t}`))).toEqual([]);
    }
    const command = plan.resources.find((r) => r.type === "command:local:Command")!;
    expect(command.inputs.environment).toBe("[secret]");
    // Outputs whose text can quote inputs or a service's answer are stored as secrets.
    expect(secretOutputsOf(serialized, ["-data-sync", "hydration", "-cutover", "-validation-run", "-relocate-legacy-app"])).toEqual({
      "-data-sync": ["lastError", "pendingWork", "drift"],
      hydration: ["nodeStatus"],
      "-cutover": ["lastError", "history", "lastMeasurements"],
      "-validation-run": ["environment", "stdout", "stderr"],
      "-relocate-legacy-app": ["plan", "exportedObject"],
    });
  });
});

describe("offline plan of a stack with secure: values (never decrypted)", () => {
  const dir = useTempDir("tundra-plan-secure");
  const writeStack = (name: string, config: Record<string, unknown>) => {
    const file = path.join(dir(), `Pulumi.${name}.yaml`);
    fs.writeFileSync(file, stringifyYaml({ config }));
    return file;
  };

  it("plans a whole encrypted tundra:validation with a placeholder of its shape, shown as [secret]", () => {
    const config = stackConfig("staging");
    config["tundra:validation"] = { secure: CIPHERTEXT };
    const r = runPlanCli(["--stack", "secure-val", "--json", "--config", writeStack("secure-val", config)]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as Plan;
    expect(plan.resources.find((res) => res.type === "command:local:Command")!.inputs.environment).toBe("[secret]");
    expect(inputsContaining(plan, SECRET_PLACEHOLDER)).toEqual([]);
    expect(r.stdout).not.toContain(CIPHERTEXT);
  });

  it("plans an encrypted field (--path) of an aws-side stack, the values it flows into shown as [secret]", () => {
    const config = stackConfig("acme-prod-awsside");
    config["tundra:awsSide"].syncRunner.externalId = { secure: CIPHERTEXT };
    const r = runPlanCli(["--stack", "secure-aws", "--json", "--config", writeStack("secure-aws", config)]);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as Plan;
    expect(plan.resources.find((res) => res.type === "aws:iam/role:Role")!.inputs.assumeRolePolicy).toBe("[secret]");
    expect(inputsContaining(plan, SECRET_PLACEHOLDER)).toEqual([]);
    expect(r.stdout).not.toContain(CIPHERTEXT);
  });

  it("gives an encrypted field the placeholder its schema accepts (a URL where a URL is needed)", () => {
    const config = stackConfig("staging");
    config["tundra:validation"].awsUrl = { secure: CIPHERTEXT };
    config["tundra:validation"].hostHeader = { secure: CIPHERTEXT };
    const { config: planned, secretKeys } = withSecretPlaceholders(config);
    expect(secretKeys).toEqual(["tundra:validation"]);
    const validation = JSON.parse(planned["tundra:validation"]);
    expect(validation.awsUrl).toMatch(/^https:\/\//);
    expect(validation.hostHeader).toBe(SECRET_PLACEHOLDER);
    const parsed = parseStackConfig(planned);
    expect(parsed.ok ? [] : parsed.issues).toEqual([]);
  });

  it("refuses a whole encrypted section it has no placeholder for, naming the way out", () => {
    const config = stackConfig("staging");
    config["tundra:cutover"] = { secure: CIPHERTEXT };
    const r = runPlanCli(["--stack", "secure-cut", "--config", writeStack("secure-cut", config)]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("tundra:cutover is encrypted as a whole");
    expect(r.stderr).toContain("pulumi config set --secret --path tundra:cutover.<field>");
    expect(r.stderr).not.toContain(CIPHERTEXT);
  });
});

describe("plan --json through a pipe", () => {
  const dir = useTempDir("tundra-plan-pipe");

  it("writes the whole document (> 64 KiB) to a pipe that reads slowly, then exits 0", () => {
    // A plan larger than the pipe: staging with 12 nodes (the staging plan alone is below 64 KiB).
    const config = stackConfig("staging");
    config["tundra:cluster"] = { ...config["tundra:cluster"], nodeCount: 12 };
    const file = path.join(dir(), "Pulumi.staging.yaml");
    fs.writeFileSync(file, stringifyYaml({ config }));
    // A shell pipe is a real 64 KiB pipe (Node's own stdio "pipe" is a larger socketpair); its
    // reader starts only after the plan is written, as `| tee` does under load.
    const r = spawnSync("bash", ["-c", `node --import tsx scripts/plan.ts --stack staging --config ${file} --json | { sleep 8; cat; }; echo "plan exit \${PIPESTATUS[0]}" >&2`], {
      cwd: ROOT,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      timeout: 60_000,
    });
    expect(r.stderr).toBe("plan exit 0\n");
    expect(r.stdout.length).toBeGreaterThan(64 * 1024);
    expect((JSON.parse(r.stdout) as Plan).stack).toBe("staging");
  }, 60_000);
});
