// Reads the `tundra:*` stack config through Pulumi and validates it. An invalid config stops
// the program with the full report before any resource is declared.
import * as pulumi from "@pulumi/pulumi";
import { formatIssues, parseStackConfig, type TenantConfig } from "./index";

export function loadTenantConfig(): TenantConfig {
  const result = parseStackConfig(pulumi.runtime.allConfig());
  if (!result.ok) throw new pulumi.RunError(formatIssues(result.issues));
  return result.config;
}
