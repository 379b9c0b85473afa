// Writes Pulumi.<tenant>-<env>.yaml for a new tenant stack from a few flags, validates it with
// the same parser the program uses, and never overwrites an existing file.
//   npm run new-tenant -- --tenant acme --env prod --compartment ocid1.compartment.oc1..xxx \
//     --tenancy ocid1.tenancy.oc1..xxx --region us-ashburn-1 --home-region us-ashburn-1 \
//     --image ocid1.image.oc1.iad.xxx --allowed-cidr 10.0.0.0/8 [more flags: --help]
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { stringify as stringifyYaml } from "yaml";
import { formatIssues, parseTenantConfig, type RawConfig } from "../stacks/config";
import { isCidrError, nthSubnet, parseCidr } from "../stacks/config/cidr";
import { PROD_MIN_NODES } from "../stacks/config/rules";

const USAGE = `usage: npm run new-tenant -- --tenant <id> --env <dev|staging|prod> --compartment <ocid>
  --tenancy <ocid> --region <oci region> --home-region <oci region> --image <ocid>
  --allowed-cidr <cidr> [--allowed-cidr <cidr> ...]
  [--nodes N (prod: ${PROD_MIN_NODES}, else 2)] [--shape VM.Standard.E5.Flex] [--ocpus 16] [--memory 256]
  [--data-gb 1000] [--vpus 60] [--vcn-cidr 10.0.0.0/16] [--node-subnet <cidr>] [--lb-subnet <cidr>]
  [--lb-min-mbps 10] [--lb-max-mbps 1000] [--public-lb] [--nat] [--kms-key <ocid>]
  [--operator-group <name>] [--dir <project dir>]

Creates the stack config of a new tenant from these flags, checked by the program's own config
schema. Writes <dir>/Pulumi.<tenant>-<env>.yaml; refuses to overwrite.`;

const OPTIONS = {
  tenant: { type: "string" }, env: { type: "string" }, compartment: { type: "string" }, tenancy: { type: "string" },
  region: { type: "string" }, "home-region": { type: "string" }, image: { type: "string" },
  "allowed-cidr": { type: "string", multiple: true }, nodes: { type: "string" }, shape: { type: "string", default: "VM.Standard.E5.Flex" },
  ocpus: { type: "string", default: "16" }, memory: { type: "string", default: "256" }, "data-gb": { type: "string", default: "1000" },
  vpus: { type: "string", default: "60" }, "vcn-cidr": { type: "string", default: "10.0.0.0/16" }, "node-subnet": { type: "string" },
  "lb-subnet": { type: "string" }, "lb-min-mbps": { type: "string", default: "10" }, "lb-max-mbps": { type: "string", default: "1000" },
  "public-lb": { type: "boolean", default: false }, nat: { type: "boolean", default: false }, "kms-key": { type: "string" },
  "operator-group": { type: "string" }, dir: { type: "string" }, help: { type: "boolean", default: false },
} as const;

const REQUIRED_FLAGS = ["tenant", "env", "compartment", "tenancy", "region", "home-region", "image", "allowed-cidr"] as const;

type Flags = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>["values"];

/** Default subnets: the 2nd and 3rd /24 of the VCN (left to the parser to reject when absent). */
function defaultSubnet(vcnCidr: string, index: number): string | undefined {
  const vcn = parseCidr(vcnCidr);
  return isCidrError(vcn) ? undefined : nthSubnet(vcn, 24, index);
}

/** The stack config the flags describe, in the shape of the stack file (unvalidated). */
function configFromFlags(f: Flags): RawConfig {
  const env = f.env;
  const vcnCidr = f["vcn-cidr"]!;
  return {
    tenant: { id: f.tenant, env, compartmentId: f.compartment, tenancyId: f.tenancy, region: f.region, homeRegion: f["home-region"] },
    network: {
      vcnCidr,
      nodeSubnetCidr: f["node-subnet"] ?? defaultSubnet(vcnCidr, 1),
      lbSubnetCidr: f["lb-subnet"] ?? defaultSubnet(vcnCidr, 2),
      ...(f.nat ? { natGateway: true } : {}),
    },
    cluster: {
      nodeCount: f.nodes ?? (env === "prod" ? PROD_MIN_NODES : 2),
      shape: f.shape,
      ocpus: f.ocpus,
      memoryInGbs: f.memory,
      imageId: f.image,
      dataVolume: { sizeInGbs: f["data-gb"], vpusPerGb: f.vpus },
    },
    loadBalancer: {
      minBandwidthMbps: f["lb-min-mbps"],
      maxBandwidthMbps: f["lb-max-mbps"],
      ...(f["public-lb"] ? { visibility: "public" } : {}),
      allowedCidrs: f["allowed-cidr"] ?? [],
    },
    ...(f["kms-key"] ? { bucket: { kmsKeyId: f["kms-key"] } } : {}),
    ...(f["operator-group"] ? { identity: { operatorGroup: f["operator-group"] } } : {}),
  };
}

function main(): number {
  const { values } = parseArgs({ options: OPTIONS, strict: true });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const missing = REQUIRED_FLAGS.filter((flag) => values[flag] === undefined);
  if (missing.length > 0) {
    process.stderr.write(`missing ${missing.map((f) => `--${f}`).join(", ")}\n${USAGE}\n`);
    return 2;
  }
  const result = parseTenantConfig(configFromFlags(values));
  if (!result.ok) {
    process.stderr.write(`${formatIssues(result.issues)}\nNothing was written.\n`);
    return 1;
  }
  // The validated values, defaults included, so the file shows every setting; empty
  // optional sections are left out.
  const sections = Object.entries(result.config).filter(([, v]) => !(v && typeof v === "object" && Object.keys(v).length === 0));
  const doc = { config: Object.fromEntries(sections.map(([name, value]) => [`tundra:${name}`, value])) };
  const { tenant } = result.config;
  const stack = `${tenant.id}-${tenant.env}`;
  const file = path.join(values.dir ?? path.resolve(__dirname, ".."), `Pulumi.${stack}.yaml`);
  const header = `# Tenant stack ${stack}, written by scripts/new-tenant.ts. Keys: docs/foundation.md.\n`;
  try {
    fs.writeFileSync(file, header + stringifyYaml(doc), { flag: "wx" }); // wx: fail if it exists
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") {
      process.stderr.write(`${file} already exists; not overwriting it. Edit it, or remove it first.\n`);
      return 1;
    }
    throw err;
  }
  process.stdout.write(`wrote ${file}\nnext: npm run plan -- --stack ${stack}; pulumi stack init ${stack}\n`);
  return 0;
}

try {
  process.exitCode = main();
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
  process.exitCode = 2;
}
