// Reads the `tundra:*` stack config through Pulumi and validates it. An invalid config stops
// the program with the full report before any resource is declared.
import * as pulumi from "@pulumi/pulumi";
import { formatIssues, parseStackConfig, parseStackConfigWith, rawConfigFromPulumi, type TenantConfig } from "./index";
import { parseAwsSideConfig, type AwsSideConfig } from "./aws-side";
import { roleSchema, type StackRole } from "./role";
import { secretConfigKeys } from "./secrets";
import { missingStackMessage } from "./stack-files";

/** A stack with no `tundra:` key at all has no config file: say which stacks do. */
function requireStackConfig(all: Record<string, string>): void {
  if (Object.keys(all).some((key) => key.startsWith("tundra:"))) return;
  throw new pulumi.RunError(`stack ${pulumi.getStack()} has no tundra: config: ${missingStackMessage(pulumi.getStack(), process.cwd())}`);
}

export function loadTenantConfig(): TenantConfig {
  const all = pulumi.runtime.allConfig();
  requireStackConfig(all);
  const result = parseStackConfig(all, secretConfigKeys(all));
  if (!result.ok) throw new pulumi.RunError(formatIssues(result.issues));
  return result.config;
}

export function loadAwsSideConfig(): AwsSideConfig {
  const all = pulumi.runtime.allConfig();
  requireStackConfig(all);
  const result = parseStackConfigWith(all, parseAwsSideConfig, secretConfigKeys(all));
  if (!result.ok) throw new pulumi.RunError(formatIssues(result.issues));
  return result.config;
}

/** `tundra:role`: which program this stack runs (default: the OCI tenant program). */
export function loadStackRole(): StackRole {
  const result = roleSchema.safeParse(rawConfigFromPulumi(pulumi.runtime.allConfig()).role);
  if (!result.success) throw new pulumi.RunError(formatIssues([{ key: "tundra:role", message: result.error.issues[0].message }]));
  return result.data;
}
