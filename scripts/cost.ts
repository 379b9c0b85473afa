// Cost and egress of one tenant stack or of a whole fleet: the monthly OCI cost from the stack
// config, what AWS bills to copy the data out (source size from a finished sync's receipt, an S3
// listing, or the fleet file), and the tenancy's OCI egress against its free allowance.
//
//   npm run cost -- --stack acme-prod [--list-source | --source-bytes N | --receipt outputs.json] [--egress-gb N]
//   npm run cost -- --fleet fleet.yaml [--state fleet.state.json] [--list-source] [--json]
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { fleetCost, type TenantCostInput } from "../components/cost/fleet";
import { readState } from "../components/fleet/state";
import { PROJECT_ROOT, stackConfigPath } from "./plan/run";
import { tenantCostInput } from "./cost/tenant-inputs";
import { formatFleetCost } from "./cost/format";
import { loadFleet } from "./fleet/load";
import { runCli } from "./cli";

const USAGE = `Usage: npm run cost -- (--stack <name> | --fleet <fleet.yaml>) [options]
  --config FILE            the stack's config file (default Pulumi.<stack>.yaml in the project)
  --source-bytes N         the tenant's source size in bytes
  --receipt FILE           \`pulumi stack output --json\` of a finished sync (dataSync.totalBytes)
  --list-source            list the S3 source prefix to size it (AWS default credentials)
  --egress-gb N            the tenant's expected OCI internet egress per month, GB
  --infrequent-share X     share of the bucket auto-tiering keeps in Infrequent Access (0..1, default 0)
  --state FILE             fleet state (bytes synced by finished tenants are their receipts)
  --json                   print the estimate as JSON`;

function number(name: string, value: string | undefined, min = 0, max = Infinity): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(n >= min && n <= max)) throw new Error(`--${name} must be a number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return n;
}

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      stack: { type: "string" }, fleet: { type: "string" }, config: { type: "string" }, "source-bytes": { type: "string" },
      receipt: { type: "string" }, "list-source": { type: "boolean" }, "egress-gb": { type: "string" },
      "infrequent-share": { type: "string" }, state: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean" },
    },
  });
  if (values.help || (!values.stack && !values.fleet)) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const infrequentShare = number("infrequent-share", values["infrequent-share"], 0, 1);
  let inputs: TenantCostInput[];
  if (values.fleet) {
    const loaded = loadFleet(values.fleet);
    const records = readState(values.state ?? loaded.defaultStateFile).operations.up ?? {};
    inputs = [];
    for (const wave of loaded.waves) {
      for (const t of wave.tenants) {
        inputs.push(await tenantCostInput(
          { stack: t.stack, wave: wave.name, configFile: loaded.configFileOf(t), receiptBytes: records[t.stack]?.status === "succeeded" ? records[t.stack].bytesSynced : null, fleetFileBytes: t.sourceBytes, egressGBPerMonth: t.egressGBPerMonth },
          { listSource: values["list-source"], infrequentShare },
        ));
      }
    }
  } else {
    const stack = values.stack!;
    const receipt = values.receipt ? (JSON.parse(fs.readFileSync(values.receipt, "utf8")) as { dataSync?: { totalBytes?: number } }).dataSync?.totalBytes : undefined;
    if (values.receipt && typeof receipt !== "number") throw new Error(`${values.receipt} has no dataSync.totalBytes: pass \`pulumi stack output --json\` of a stack whose sync finished`);
    inputs = [await tenantCostInput(
      { stack, wave: "-", configFile: values.config ? path.resolve(values.config) : stackConfigPath(stack, PROJECT_ROOT), receiptBytes: receipt, fleetFileBytes: number("source-bytes", values["source-bytes"]), egressGBPerMonth: number("egress-gb", values["egress-gb"]) },
      { listSource: values["list-source"], infrequentShare },
    )];
  }
  const cost = fleetCost(inputs);
  process.stdout.write(values.json ? `${JSON.stringify(cost, null, 2)}\n` : `${formatFleetCost(cost)}\n`);
  return 0;
}

if (require.main === module) {
  runCli(() => main(process.argv.slice(2)));
}
