// `oci:` and `aws:` keys the program overrides. The program builds explicit providers from
// `tundra:` keys (stacks/tenant.ts, stacks/dr.ts: oci.Provider from tundra:tenant.region /
// homeRegion / dr.region and tundra:oci; stacks/aws-side.ts: aws.Provider from
// tundra:awsSide.region and tags). An explicit provider takes only the arguments it is given:
// only default providers read their package's stack config ("Default Provider Configuration",
// https://www.pulumi.com/docs/concepts/resources/providers). So `oci:region` beside
// `tundra:tenant.region` would be silently ignored: it is refused, naming the key that wins.
import type { ConfigIssue } from "./index";

/** Provider key -> the tundra: key the program uses instead, per stack role. */
export const OVERRIDDEN_PROVIDER_KEYS: Record<"tenant" | "aws-side", Record<string, string>> = {
  tenant: {
    "oci:region": "tundra:tenant.region (and tundra:tenant.homeRegion, tundra:dr.region)",
    "oci:auth": "tundra:oci.auth",
    "oci:configFileProfile": "tundra:oci.configFileProfile",
  },
  "aws-side": {
    "aws:region": "tundra:awsSide.region",
    "aws:defaultTags": "tundra:awsSide.tags",
  },
};

/** One issue per overridden provider key the stack sets (`tundra:role` picks the table). */
export function overriddenProviderKeyIssues(all: Record<string, string>): ConfigIssue[] {
  const role = all["tundra:role"] === "aws-side" ? "aws-side" : "tenant";
  const table = OVERRIDDEN_PROVIDER_KEYS[role];
  return Object.keys(all)
    .filter((key) => key in table)
    .map((key) => ({
      key,
      message: `is not read: this stack's ${key.split(":")[0]} providers are explicit and take ${table[key]}; set that and remove ${key} (pulumi config rm ${key})`,
    }));
}
