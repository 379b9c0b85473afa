// Offline plan: runs the real tenant program under Pulumi's mocks with a stack's config file
// and prints what it would declare. No cloud credentials needed.
//   npm run plan -- --stack staging            the stack in creation order, stage by stage
//   npm run plan -- --stack staging --json     one JSON document on stdout, nothing else
//   npm run plan -- --stack acme-prod --config path/to/Pulumi.acme-prod.yaml   (a file elsewhere)
//   npm run plan -- --diff origin/main         what this tree changes in every stack (or --stack one)
import { parseArgs } from "util";
import * as fs from "fs";
import { PROJECT_ROOT, planStack, readStackFile, stackConfigPath, type Plan } from "./plan/run";
import { formatPlanTree } from "./plan/tree";
import { diffPlans, formatStackDiff } from "./plan/diff";
import { planJsonIn, readSavedPlan, stacksIn, withTreeOf } from "./plan/base";
import { checkPlanResources, formatViolations } from "../policy/rules";
import { policyContextFromStackConfig } from "../policy/context";
import { runCli, writeFully } from "./cli";

const USAGE = `usage: npm run plan -- --stack <name> [--json] [--full] [--config <Pulumi.<name>.yaml>]
       npm run plan -- --diff <git ref | saved plan.json> [--stack <name>] [--full]

Plans a tenant stack offline: the real program under Pulumi's mocks with the stack's config file,
no cloud and no credentials. Prints the resources in the order \`pulumi up\` creates them (network,
bucket, identity, cluster, data sync, hydration, validation, cutover, guard), each with its key
inputs, parent and dependencies, then the policy rules' verdict.

  --stack <name>   the stack (Pulumi.<name>.yaml in the project root)
  --config <file>  the stack's config file, when it is elsewhere
  --json           one deterministic JSON document: resources with parent, dependsOn, options and
                   inputs whole; mockValues (values only the mocks made up); policy violations
  --full           show large values (user data, metadata, policy documents) whole, not as size
                   and SHA-256
  --diff <base>    what this tree changes against <base>: a git ref (every Pulumi.<stack>.yaml of
                   both trees, each planned in its own tree) or a saved \`--json\` plan. Resources
                   added, removed, replaced and changed, with the changed inputs, in stage order
  --help           this text
`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      stack: { type: "string" }, json: { type: "boolean", default: false }, config: { type: "string" },
      full: { type: "boolean", default: false }, diff: { type: "string" }, help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    await writeFully(process.stdout, USAGE);
    return 0;
  }
  if (values.diff !== undefined) return diff(values.diff, values.stack, values.full);
  if (!values.stack) {
    process.stderr.write(USAGE);
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
  await writeFully(process.stdout, values.json ? `${JSON.stringify({ ...plan, policy: { violations } }, null, 2)}\n` : `${formatPlanTree(plan, { full: values.full })}${verdict}`);
  return 0;
}

/** `--diff BASE`: each stack's plan here against BASE's; a stack in only one tree is all added or removed. */
async function diff(base: string, onlyStack: string | undefined, full: boolean): Promise<number> {
  const empty = (stack: string): Plan => ({ stack, resources: [], mockValues: [] });
  const here = (stack: string) => (fs.existsSync(stackConfigPath(stack)) ? planJsonIn(PROJECT_ROOT, stack) : empty(stack));
  const pairs: { stack: string; before: Plan; after: Plan }[] = [];
  if (fs.existsSync(base) && fs.statSync(base).isFile()) {
    const before = readSavedPlan(base);
    const stack = onlyStack ?? before.stack;
    pairs.push({ stack, before, after: here(stack) });
  } else {
    await withTreeOf(PROJECT_ROOT, base, (dir) => {
      const stacks = onlyStack ? [onlyStack] : [...new Set([...stacksIn(dir), ...stacksIn(PROJECT_ROOT)])].sort();
      for (const stack of stacks) {
        const before = fs.existsSync(stackConfigPath(stack, dir)) ? planJsonIn(dir, stack) : empty(stack);
        pairs.push({ stack, before, after: here(stack) });
      }
    });
  }
  const header = `offline plan diff against ${base} (Pulumi mocks, no cloud: replacement inferred from provider ForceNew data, scripts/plan/force-new.ts)\n`;
  await writeFully(process.stdout, header + pairs.map(({ stack, before, after }) => formatStackDiff(stack, diffPlans(before, after), { full, mockValues: [...before.mockValues, ...after.mockValues] })).join(""));
  return 0;
}

runCli(main, (err) => ({ message: `plan failed for this stack:\n${(err as Error).message}` }));
