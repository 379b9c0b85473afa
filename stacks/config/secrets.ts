// Values set with `pulumi config set --secret` stay secret. The stack config is parsed into
// plain values (one zod schema per section), so the secret marking is put back where the
// values reach the engine: every resource input and stack output that contains a secret value
// (as a whole or inside a longer string, e.g. a JSON policy or the validation spec) is marked
// secret, and Pulumi encrypts it in the state and shows it as [secret].
//
// Pulumi marks secrets per top-level key (`tundra:validation`, or `tundra:awsSide` when only
// `--path tundra:awsSide.syncRunner.externalId` is encrypted): every string in such a key is
// treated as secret. Strings shorter than MIN_SECRET_LENGTH are not matched (every input
// containing "GET" would become secret); numbers and booleans are not matched either.
// Resource names are never secret: keep secrets out of tundra:tenant.id.
import * as pulumi from "@pulumi/pulumi";
import { stringLeaves } from "./credentials";
import { parseConfigValue } from "./index";

export const MIN_SECRET_LENGTH = 4;

/** The keys of `all` that Pulumi holds as secrets (PULUMI_CONFIG_SECRET_KEYS, or setAllConfig's second argument). */
export function secretConfigKeys(all: Record<string, string> = pulumi.runtime.allConfig()): Set<string> {
  // Exported by @pulumi/pulumi/runtime/config.js but missing from its .d.ts.
  const { isConfigSecret } = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(key: string): boolean };
  return new Set(Object.keys(all).filter((key) => isConfigSecret(key)));
}

/** Every string held under the secret keys (structured values are JSON text, as Pulumi stores them). */
export function secretConfigValues(all: Record<string, string>, keys: ReadonlySet<string>): string[] {
  const values = [...keys].filter((key) => key in all).flatMap((key) => [all[key], ...stringLeaves(parseConfigValue(all[key]))]);
  return [...new Set(values)].filter((v) => v.length >= MIN_SECRET_LENGTH);
}

/** Whether a plain value holds any of the secrets (in a string, a key or a nested value). */
export function containsSecret(value: unknown, secrets: readonly string[], seen = new Set<object>()): boolean {
  if (typeof value === "string") return secrets.some((s) => value.includes(s));
  if (value === null || typeof value !== "object" || seen.has(value)) return false;
  seen.add(value);
  return Object.entries(value).some(([k, v]) => containsSecret(k, secrets, seen) || containsSecret(v, secrets, seen));
}

/** Whether a value is plain data, i.e. holds no Output, Promise or Resource anywhere. */
function isPlain(value: unknown, seen = new Set<object>()): boolean {
  if (value === null || typeof value !== "object") return typeof value !== "function";
  if (pulumi.Output.isInstance(value) || value instanceof Promise || pulumi.Resource.isInstance(value)) return false;
  if (seen.has(value)) return true;
  seen.add(value);
  return Object.values(value).every((v) => isPlain(v, seen));
}

/** The value, marked secret if it holds a secret (an Output's value is checked once known). */
export function markIfSecret(value: unknown, secrets: readonly string[]): unknown {
  if (secrets.length === 0 || value === undefined) return value;
  if (isPlain(value)) return containsSecret(value, secrets) ? pulumi.secret(value) : value;
  if (pulumi.Resource.isInstance(value)) return value;
  return pulumi.output(value).apply((resolved) => (containsSecret(resolved, secrets) ? pulumi.secret(resolved) : resolved));
}

/** Resource inputs that are not data: the dynamic provider's serialized code. */
const NOT_DATA = new Set(["__provider"]);
/** The builtin provider reads a stack reference's `name` as a plain string; a stack name is no secret. */
const PLAIN_TYPES = new Set(["pulumi:pulumi:StackReference"]);

/**
 * Marks every resource input that holds a secret config value as secret, for every resource
 * the program declares from now on. Returns the secrets, for the stack outputs (markOutputs).
 */
export function protectSecretConfig(all: Record<string, string> = pulumi.runtime.allConfig()): string[] {
  const secrets = secretConfigValues(all, secretConfigKeys(all));
  if (secrets.length === 0) return secrets;
  pulumi.runtime.registerStackTransformation((args) => PLAIN_TYPES.has(args.type) ? undefined : ({
    props: Object.fromEntries(Object.entries(args.props).map(([k, v]) => [k, NOT_DATA.has(k) ? v : markIfSecret(v, secrets)])),
    opts: args.opts,
  }));
  return secrets;
}

/** The stack outputs, each marked secret if it holds a secret config value. */
export function markOutputs(outputs: Record<string, unknown>, secrets: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, markIfSecret(v, secrets)]));
}
