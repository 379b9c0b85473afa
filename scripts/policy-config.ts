// The policy pack's config for one stack: what CrossGuard needs to know from the stack config
// (its Vault keys, a public load balancer, retained tenant data), which @pulumi/policy gives a pack
// no other way (policy/context.ts).
//   npx tsx scripts/policy-config.ts --stack staging > policy-config.json
//   pulumi preview --policy-pack policy --policy-pack-config policy-config.json
import { parseArgs } from "util";
import { policyContextFromStackConfig, policyPackConfig } from "../policy/context";
import { readStackConfig, stackConfigPath } from "./plan/run";

const USAGE = `usage: npx tsx scripts/policy-config.ts --stack <name> [--config <Pulumi.<name>.yaml>]
Prints the JSON for pulumi preview/up --policy-pack policy --policy-pack-config <file>.`;

function main(): number {
  const { values } = parseArgs({ options: { stack: { type: "string" }, config: { type: "string" }, help: { type: "boolean", default: false } } });
  if (values.help || !values.stack) {
    (values.help ? process.stdout : process.stderr).write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const ctx = policyContextFromStackConfig(readStackConfig(values.config ?? stackConfigPath(values.stack)));
  process.stdout.write(`${JSON.stringify(policyPackConfig(ctx), null, 2)}\n`);
  return 0;
}

try {
  process.exitCode = main();
} catch (err) {
  process.stderr.write(`policy-config: ${(err as Error).message}\n`);
  process.exitCode = 1;
}
