// Emergency rollback: sends all of a tenant's traffic back to AWS in one Route53 change, for when
// the Pulumi state is locked or the runner is gone. Keeps the records (values, TTL, health
// checks) and only moves the weights; the next `pulumi up` reads the live weights and starts
// from them (see docs/cutover.md).
//
//   npm run rollback -- --zone Z123 --name tenant42.example.com [--type A] [--aws-set aws] [--oci-set oci]
//
// Credentials: the standard AWS chain (env, profile, SSO). TUNDRA_ROUTE53_ENDPOINT overrides the
// endpoint (tests).
import { parseArgs } from "util";
import { systemClock } from "../components/common/clock";
import { AWS_ONLY, readLive, setLiveWeights } from "../components/cutover/engine";
import { makeRoute53Client, PairAddress } from "../components/cutover/records";
import { formatWeights, sameWeights } from "../components/cutover/weights";
import { runCli } from "./cli";

const USAGE = [
  "usage: npm run rollback -- --zone <hosted zone id> --name <record name> [--type A|AAAA|CNAME] [--aws-set aws] [--oci-set oci]",
  "",
  "Sends a tenant's traffic back to AWS: sets the Route 53 weighted records of <name> to AWS 100%, OCI 0%.",
].join("\n");

export async function rollback(argv: string[], print: (line: string) => void): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      zone: { type: "string" },
      name: { type: "string" },
      type: { type: "string", default: "A" },
      "aws-set": { type: "string", default: "aws" },
      "oci-set": { type: "string", default: "oci" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help || !values.zone || !values.name) {
    print(values.help ? USAGE : `missing ${!values.zone ? "--zone" : "--name"}\n${USAGE}`);
    return values.help ? 0 : 2;
  }
  if (!["A", "AAAA", "CNAME"].includes(values.type!)) {
    print(`--type must be A, AAAA or CNAME, got ${values.type}`);
    return 2;
  }
  const addr: PairAddress = {
    zoneId: values.zone,
    recordName: values.name,
    recordType: values.type as PairAddress["recordType"],
    awsSetIdentifier: values["aws-set"]!,
    ociSetIdentifier: values["oci-set"]!,
  };
  const deps = { client: makeRoute53Client(process.env.TUNDRA_ROUTE53_ENDPOINT || undefined), clock: systemClock };
  const where = `${addr.recordName} ${addr.recordType} in zone ${addr.zoneId}`;
  const live = await readLive(addr, deps);
  if (live.weights && sameWeights(live.weights, AWS_ONLY)) {
    print(`${where}: already ${formatWeights(live.weights)}; nothing changed.`);
    return 0;
  }
  const started = Date.now();
  const change = await setLiveWeights(addr, AWS_ONLY, "tundra EMERGENCY ROLLBACK: AWS 100% (scripts/rollback.ts)", deps);
  print(`EMERGENCY ROLLBACK of ${where}`);
  print(`  before: ${formatWeights(change.before)}`);
  print(`  after:  ${formatWeights(change.after)}`);
  print(`  change: ${change.changeId}, INSYNC ${((Date.now() - started) / 1000).toFixed(1)} s after submission`);
  print(`Clients follow within the record TTL (${live.ttl ?? "?"} s).`);
  print(
    "The Pulumi state still records the old weights. The next `pulumi up` reads the live weights and walks the steps " +
      "again from OCI 0% behind the gates; to stay on AWS, set targetOciPercent to 0 before running it.",
  );
  return 0;
}

if (require.main === module) {
  runCli(
    () => rollback(process.argv.slice(2), (line) => console.log(line)),
    (err) => ({ message: `rollback FAILED: ${(err as Error)?.message ?? err}` }),
  );
}
