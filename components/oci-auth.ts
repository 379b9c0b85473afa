// How every OCI call outside Pulumi's own OCI provider authenticates: DataSync, the
// DecommissionGuard, region relocation (dynamic providers) and scripts/sync.ts. One precedence,
// first match wins, for the method and the profile alike:
//
//   1. explicit: the stack's `tundra:oci` section ({auth, configFileProfile}, the settings the
//      stack's OCI provider uses) for providers; --oci-auth / --oci-profile / --oci-config for
//      scripts;
//   2. the OCI CLI's environment variables: OCI_CLI_AUTH, OCI_CLI_PROFILE, OCI_CLI_CONFIG_FILE;
//   3. the OCI CLI's defaults: api_key, profile DEFAULT of ~/.oci/config.
//
// Method names: `tundra:oci.auth` takes the OCI provider's names (ApiKey, ...); the environment
// and --oci-auth take the OCI CLI's (api_key, ...). No Pulumi or SDK import at module scope:
// providers load this inside their methods; oci-common is required only for the methods that
// need a provider object built here.
import type * as ociCommon from "oci-common";
import type { OciAuth } from "./transfer/oci-store";

/** `tundra:oci.auth` (the Pulumi OCI provider's names) -> the OCI CLI's `OCI_CLI_AUTH` names. */
export const OCI_AUTH_METHODS = {
  ApiKey: "api_key",
  SecurityToken: "security_token",
  InstancePrincipal: "instance_principal",
  ResourcePrincipal: "resource_principal",
  OKEWorkloadIdentity: "oke_workload_identity",
} as const;

export type StackOciAuthMethod = keyof typeof OCI_AUTH_METHODS;
export type OciCliAuthMethod = (typeof OCI_AUTH_METHODS)[StackOciAuthMethod];
const CLI_METHODS = Object.values(OCI_AUTH_METHODS) as string[];

export const OCI_AUTH_ENV = { auth: "OCI_CLI_AUTH", profile: "OCI_CLI_PROFILE", configFile: "OCI_CLI_CONFIG_FILE" } as const;
export const STACK_OCI_KEY = "tundra:oci";
/** Read by earlier versions; now refused with the replacement, so a runner's setting is not silently ignored. */
const RETIRED_AUTH_ENV = "TUNDRA_OCI_AUTH";
const RETIRED_AUTH_VALUES: Record<string, OciCliAuthMethod> = { "instance-principal": "instance_principal", "config-file": "api_key", "session-token": "security_token" };

/** The explicit layer (stack config or flags), already in the OCI CLI's vocabulary. */
interface Explicit {
  method?: OciCliAuthMethod;
  profile?: string;
  configFile?: string;
}

function fromEnvironment(env: NodeJS.ProcessEnv): OciCliAuthMethod | undefined {
  const value = env[OCI_AUTH_ENV.auth];
  if (value) {
    const method = value.toLowerCase();
    if (!CLI_METHODS.includes(method)) throw new Error(`${OCI_AUTH_ENV.auth}=${value} is not supported; use one of ${CLI_METHODS.join(", ")} (or set tundra:oci.auth in the stack config).`);
    return method as OciCliAuthMethod;
  }
  const retired = env[RETIRED_AUTH_ENV];
  if (retired) {
    const replacement = RETIRED_AUTH_VALUES[retired];
    throw new Error(
      `${RETIRED_AUTH_ENV} is no longer read: ` +
        (replacement ? `set ${OCI_AUTH_ENV.auth}=${replacement} instead` : `set ${OCI_AUTH_ENV.auth} to one of ${CLI_METHODS.join(", ")} instead`) +
        ` (the OCI CLI's variable), or tundra:oci.auth in the stack config, and unset ${RETIRED_AUTH_ENV}.`,
    );
  }
  return undefined;
}

function resolve(explicit: Explicit, env: NodeJS.ProcessEnv): OciAuth {
  // Only consulted when nothing explicit names a method: an explicit choice wins over the runner's environment.
  const method = explicit.method ?? fromEnvironment(env) ?? "api_key";
  const file = explicit.configFile || env[OCI_AUTH_ENV.configFile] || undefined;
  const profile = explicit.profile || env[OCI_AUTH_ENV.profile] || "DEFAULT";
  const common = () => require("oci-common") as typeof ociCommon;
  switch (method) {
    case "api_key":
      return { kind: "config-file", file, profile };
    case "security_token":
      return { kind: "session-token", file, profile };
    case "instance_principal":
      return { kind: "instance-principal" };
    case "resource_principal":
      return { kind: "provider", provider: common().ResourcePrincipalAuthenticationDetailsProvider.builder() };
    case "oke_workload_identity":
      return { kind: "provider", provider: new (common().OkeWorkloadIdentityAuthenticationDetailsProvider.OkeWorkloadIdentityAuthenticationDetailsProviderBuilder)().build() };
  }
}

/** The stack's `tundra:oci` section as a provider's configure() receives it (JSON text), checked. */
function stackLayer(text: string | undefined): Explicit {
  if (!text) return {};
  let section: unknown;
  try {
    section = JSON.parse(text);
  } catch {
    section = undefined;
  }
  if (section === null || typeof section !== "object" || Array.isArray(section)) {
    throw new Error(`${STACK_OCI_KEY} must be an object such as {"auth": "ApiKey", "configFileProfile": "DEFAULT"} (got ${text}); fix it in Pulumi.<stack>.yaml.`);
  }
  const { auth, configFileProfile } = section as { auth?: unknown; configFileProfile?: unknown };
  const explicit: Explicit = {};
  if (auth !== undefined) {
    const value = typeof auth === "string" ? OCI_AUTH_METHODS[auth as StackOciAuthMethod] : undefined;
    if (!value) throw new Error(`${STACK_OCI_KEY}.auth must be one of ${Object.keys(OCI_AUTH_METHODS).join(", ")} (got ${JSON.stringify(auth)}); fix it in Pulumi.<stack>.yaml.`);
    explicit.method = value;
  }
  if (configFileProfile !== undefined) {
    if (typeof configFileProfile !== "string" || !configFileProfile) throw new Error(`${STACK_OCI_KEY}.configFileProfile must be a profile name from ~/.oci/config (got ${JSON.stringify(configFileProfile)}).`);
    explicit.profile = configFileProfile;
  }
  return explicit;
}

/**
 * For dynamic providers: `get` reads stack config (the provider's configure request; pass
 * `() => undefined` when there is none).
 */
export function ociAuthFromStack(get: (key: string) => string | undefined, env: NodeJS.ProcessEnv = process.env): OciAuth {
  return resolve(stackLayer(get(STACK_OCI_KEY)), env);
}

export interface OciAuthFlags {
  /** --oci-auth: the OCI CLI's names (api_key, security_token, instance_principal, resource_principal, oke_workload_identity). */
  auth?: string;
  /** --oci-profile */
  profile?: string;
  /** --oci-config */
  configFile?: string;
}

/**
 * For scripts: command-line flags, then the environment, then the defaults. The earlier flag
 * values (instance-principal, config-file, session-token) still work, with a notice through
 * `warn` naming the replacement.
 */
export function ociAuthFromFlags(flags: OciAuthFlags, env: NodeJS.ProcessEnv = process.env, warn: (message: string) => void = () => {}): OciAuth {
  const explicit: Explicit = { profile: flags.profile, configFile: flags.configFile };
  if (flags.auth !== undefined) {
    let value = flags.auth.toLowerCase();
    const replacement = RETIRED_AUTH_VALUES[value];
    if (replacement) {
      warn(`--oci-auth ${flags.auth} is deprecated: use --oci-auth ${replacement} (the OCI CLI's name).`);
      value = replacement;
    }
    if (!CLI_METHODS.includes(value)) throw new Error(`--oci-auth ${flags.auth} is not supported; use one of ${CLI_METHODS.join(", ")} (the OCI CLI's names).`);
    explicit.method = value as OciCliAuthMethod;
  }
  return resolve(explicit, env);
}

/** The SDK's provider object for an OciAuth (region relocation builds its own clients with it). */
export { authenticationProvider } from "./transfer/oci-store";
