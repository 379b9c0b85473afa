// Offline plan: runs the real tenant program under Pulumi's mocks with a stack's config file
// and prints what it would declare. No cloud credentials needed.
//   npm run plan -- --stack staging            tree: type, name, key inputs, nested by parent
//   npm run plan -- --stack staging --json     one JSON document on stdout, nothing else
//   npm run plan -- --stack acme-prod --config path/to/Pulumi.acme-prod.yaml   (a file elsewhere)
import { parseArgs } from "util";
import { planStack, readStackConfig, stackConfigPath } from "./plan/run";
import { formatPlanTree } from "./plan/tree";
import { checkPlanResources, formatViolations } from "../policy/rules";
import { policyContextFromStackConfig } from "../policy/context";

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { stack: { type: "string" }, json: { type: "boolean", default: false }, config: { type: "string" } } });
  if (!values.stack) {
    process.stderr.write("usage: npm run plan -- --stack <name> [--json] [--config <Pulumi.<name>.yaml>]\n");
    return 2;
  }
  // Everything but the plan goes to stderr, so `--json` output is exactly one document.
  console.log = console.info = (...args: unknown[]) => process.stderr.write(`${args.map(String).join(" ")}\n`);
  const config = readStackConfig(values.config ?? stackConfigPath(values.stack));
  const plan = await planStack(values.stack, config);
  process.stdout.write(values.json ? `${JSON.stringify(plan, null, 2)}\n` : formatPlanTree(plan));
  // The policy pack's rules over the plan (policy/rules.ts); --json keeps stdout one document.
  const violations = checkPlanResources(plan.resources, policyContextFromStackConfig(config));
  (values.json ? process.stderr : process.stdout).write(`policy (policy/rules.ts): ${violations.length === 0 ? "no violations" : `${violations.length} violation(s)\n${formatViolations(violations)}`}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`plan failed for this stack:\n${err.message}\n`);
    process.exit(1);
  },
);
