// Per-region OCI SDK clients (Compute, Work Requests, Object Storage) with deliberate retry and
// circuit-breaker settings. Credentials come from the environment, the way the OCI CLI reads
// them, never from resource inputs or state.
import * as common from "oci-common";
import * as core from "oci-core";
import * as objectstorage from "oci-objectstorage";
import * as workrequests from "oci-workrequests";

export interface RegionClients {
  region: string;
  compute: core.ComputeClient;
  workRequests: workrequests.WorkRequestClient;
  objectStorage: objectstorage.ObjectStorageClient;
}

/** Per-region endpoint overrides: `{ "<region>": { "iaas": url, "objectstorage": url } }`. */
export type EndpointOverrides = Record<string, { iaas?: string; objectstorage?: string }>;

/** Names of the environment variables read here (documented in docs/region.md). */
export const ENV = {
  auth: "OCI_CLI_AUTH",
  configFile: "OCI_CLI_CONFIG_FILE",
  profile: "OCI_CLI_PROFILE",
  endpoints: "TUNDRA_OCI_ENDPOINTS",
} as const;

/** `tundra:oci.auth` names (the stack's OCI provider) and the OCI CLI's `OCI_CLI_AUTH` names. */
const AUTH_METHODS: Record<string, string> = {
  ApiKey: "api_key", SecurityToken: "security_token", InstancePrincipal: "instance_principal",
  ResourcePrincipal: "resource_principal", OKEWorkloadIdentity: "oke_workload_identity",
};

/** The stack's `tundra:oci` section, as the provider host receives it (JSON text). */
export interface StackOciSettings {
  auth?: string;
  configFileProfile?: string;
}

export function parseStackOci(text: string | undefined): StackOciSettings {
  if (!text) return {};
  try {
    const value = JSON.parse(text) as StackOciSettings;
    return value && typeof value === "object" ? value : {};
  } catch {
    throw new Error(`tundra:oci must be an object such as {"auth":"InstancePrincipal"} (got ${text})`);
  }
}

/**
 * How the relocation authenticates: the stack's own `tundra:oci` (the same method and profile as
 * its OCI provider), unless the OCI CLI's variables say otherwise: `OCI_CLI_AUTH` = api_key
 * (default), security_token, instance_principal, resource_principal or oke_workload_identity;
 * api_key and security_token read `OCI_CLI_CONFIG_FILE` (or ~/.oci/config), profile
 * `OCI_CLI_PROFILE` (or `tundra:oci.configFileProfile`, or DEFAULT).
 */
export async function authFromEnvironment(
  env: NodeJS.ProcessEnv = process.env,
  stack: StackOciSettings = {},
): Promise<common.AuthenticationDetailsProvider> {
  const stackMethod = stack.auth === undefined ? undefined : AUTH_METHODS[stack.auth];
  if (stack.auth !== undefined && !stackMethod) throw new Error(`tundra:oci.auth ${stack.auth} is not one of ${Object.keys(AUTH_METHODS).join(", ")}`);
  const method = (env[ENV.auth] ?? stackMethod ?? "api_key").toLowerCase();
  const file = env[ENV.configFile] || undefined;
  const profile = env[ENV.profile] || stack.configFileProfile || "DEFAULT";
  switch (method) {
    case "api_key":
      return new common.ConfigFileAuthenticationDetailsProvider(file, profile);
    case "security_token":
      return new common.SessionAuthDetailProvider(file, profile);
    case "instance_principal":
      return new common.InstancePrincipalsAuthenticationDetailsProviderBuilder().build();
    case "resource_principal":
      return common.ResourcePrincipalAuthenticationDetailsProvider.builder();
    case "oke_workload_identity":
      return new common.OkeWorkloadIdentityAuthenticationDetailsProvider.OkeWorkloadIdentityAuthenticationDetailsProviderBuilder().build();
    default:
      throw new Error(`${ENV.auth}=${env[ENV.auth]} is not supported; use api_key, security_token, instance_principal, resource_principal or oke_workload_identity`);
  }
}

export function endpointOverrides(env: NodeJS.ProcessEnv = process.env): EndpointOverrides {
  const raw = env[ENV.endpoints];
  if (!raw) return {};
  try {
    return JSON.parse(raw) as EndpointOverrides;
  } catch (err) {
    throw new Error(`${ENV.endpoints} must be JSON like {"us-ashburn-1":{"iaas":"https://...","objectstorage":"https://..."}}: ${(err as Error).message}`);
  }
}

/** How long one HTTP request may take before it is abandoned (and retried like a network error). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

export interface ClientOptions {
  requestTimeoutMs?: number;
  /** Attempts per call, the first included (default 4). */
  maxAttempts?: number;
}

// Throttling, 5xx and network errors (a timed-out request included) are retried a few times with
// exponential backoff; anything else (404, 400, 409) surfaces at once. The SDK's default circuit
// breaker would reject even healthy calls for 30 s after 10 failures, so it is off: waits have
// their own backoff and timeout.
function clientConfiguration(options: ClientOptions): common.ClientConfiguration {
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  return {
    // The SDK passes these options to every fetch; the getter gives each request its own
    // deadline (the SDK sets none, and a silent connection would otherwise hang the provider).
    httpOptions: {
      get signal() {
        return AbortSignal.timeout(timeoutMs);
      },
    },
    retryConfiguration: {
      terminationStrategy: new common.MaxAttemptsTerminationStrategy(options.maxAttempts ?? 4),
      delayStrategy: new common.ExponentialBackoffDelayStrategy(20),
      retryCondition: common.OciSdkDefaultRetryConfiguration.retryCondition,
    },
    circuitBreaker: new common.CircuitBreaker({ disableClientCircuitBreaker: true }),
  };
}

export function makeRegionClients(
  region: string,
  auth: common.AuthenticationDetailsProvider,
  overrides: EndpointOverrides = {},
  options: ClientOptions = {},
): RegionClients {
  const params = { authenticationDetailsProvider: auth };
  const compute = new core.ComputeClient(params, clientConfiguration(options));
  const workRequests = new workrequests.WorkRequestClient(params, clientConfiguration(options));
  const objectStorage = new objectstorage.ObjectStorageClient(params, clientConfiguration(options));
  for (const client of [compute, workRequests, objectStorage]) client.regionId = region;
  const override = overrides[region];
  if (override?.iaas) {
    compute.endpoint = override.iaas;
    workRequests.endpoint = override.iaas;
  }
  if (override?.objectstorage) objectStorage.endpoint = override.objectstorage;
  return { region, compute, workRequests, objectStorage };
}

/** A cache of clients by region, built on first use. */
export function regionClientFactory(auth: common.AuthenticationDetailsProvider, overrides: EndpointOverrides = {}, options: ClientOptions = {}) {
  const cache = new Map<string, RegionClients>();
  return (region: string): RegionClients => {
    let clients = cache.get(region);
    if (!clients) {
      clients = makeRegionClients(region, auth, overrides, options);
      cache.set(region, clients);
    }
    return clients;
  };
}

/** True when an SDK error is a 404 (the resource is gone or never existed). */
export function isNotFound(err: unknown): boolean {
  return (err as { statusCode?: number })?.statusCode === 404;
}

/** The service's own words for an SDK error: status, code and message. */
export function describeOciError(err: unknown): string {
  const e = err as { statusCode?: number; serviceCode?: string; message?: string };
  if (e && typeof e.statusCode === "number") return `${e.statusCode} ${e.serviceCode ?? ""}: ${e.message ?? ""}`.trim();
  return (err as Error)?.message ?? String(err);
}
