// Offline plan: runs the real tenant program under Pulumi's mocks with a stack's config file
// and prints what it would declare. No cloud credentials needed.
//   npm run plan -- --stack staging            tree: type, name, key inputs, nested by parent
//   npm run plan -- --stack staging --json     one JSON document on stdout, nothing else
//   npm run plan -- --stack acme-prod --config path/to/Pulumi.acme-prod.yaml   (a file elsewhere)
import { parseArgs } from "util";
import { planStack, readStackFile, stackConfigPath } from "./plan/run";
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
  // `secure:` values are planned as placeholders marked secret, never decrypted.
  const { config, secretKeys } = readStackFile(values.config ?? stackConfigPath(values.stack));
  const plan = await planStack(values.stack, config, {}, secretKeys);
  // The policy pack's rules over the plan (policy/rules.ts): reported, never fatal. With --json
  // they are part of the one document, so stdout stays parseable and stderr stays quiet.
  const violations = checkPlanResources(plan.resources, policyContextFromStackConfig(config));
  const verdict = `policy (policy/rules.ts): ${violations.length === 0 ? "no violations" : `${violations.length} violation(s)\n${formatViolations(violations)}`}\n`;
  await write(process.stdout, values.json ? `${JSON.stringify({ ...plan, policy: { violations } }, null, 2)}\n` : `${formatPlanTree(plan)}${verdict}`);
  return 0;
}

/**
 * Resolves once the text is handed to the OS. process.exit() right after a write to a pipe
 * drops what the pipe had not taken yet (64 KiB on Linux): `plan --json | tee` was truncated.
 */
function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => stream.write(text, (err) => (err ? reject(err) : resolve())));
}

main()
  .catch(async (err: Error) => {
    await write(process.stderr, `plan failed for this stack:\n${err.message}\n`);
    return 1;
  })
  .then((code) => process.exit(code));
