// Per-region OCI SDK clients (Compute, Work Requests, Object Storage) with deliberate retry and
// circuit-breaker settings. Credentials come from components/oci-auth.ts (stack config, then the
// OCI CLI's environment variables), never from resource inputs or state.
import * as common from "oci-common";
import * as core from "oci-core";
import * as objectstorage from "oci-objectstorage";
import * as workrequests from "oci-workrequests";
import { JsonSyntaxError, parseJson } from "../common/json";

export interface RegionClients {
  region: string;
  compute: core.ComputeClient;
  workRequests: workrequests.WorkRequestClient;
  objectStorage: objectstorage.ObjectStorageClient;
}

/** Per-region endpoint overrides: `{ "<region>": { "iaas": url, "objectstorage": url } }`. */
export type EndpointOverrides = Record<string, { iaas?: string; objectstorage?: string }>;

/** Names of the environment variables read here (documented in docs/region.md); credentials: components/oci-auth.ts. */
export const ENV = {
  endpoints: "TUNDRA_OCI_ENDPOINTS",
} as const;

export function endpointOverrides(env: NodeJS.ProcessEnv = process.env): EndpointOverrides {
  const raw = env[ENV.endpoints];
  if (!raw) return {};
  try {
    return parseJson(raw, ENV.endpoints) as EndpointOverrides;
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    throw new Error(`${ENV.endpoints} must be JSON like {"us-ashburn-1":{"iaas":"https://...","objectstorage":"https://..."}}: ${err.reason}`);
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
export { isSdkNotFound as isNotFound } from "../oci/sdk-warnings";

/** The service's own words for an SDK error: status, code and message. */
export function describeOciError(err: unknown): string {
  const e = err as { statusCode?: number; serviceCode?: string; message?: string };
  if (e && typeof e.statusCode === "number") return `${e.statusCode} ${e.serviceCode ?? ""}: ${e.message ?? ""}`.trim();
  return (err as Error)?.message ?? String(err);
}
