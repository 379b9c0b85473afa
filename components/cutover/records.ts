// Route53 access for one weighted pair (AWS and OCI records of one name and type): read the
// group with pagination, write both weights in one transactional change, wait for INSYNC, and
// manage the optional health check. Retries are the SDK's own, in adaptive mode (makeRoute53Client).
import { createHash } from "crypto";
import {
  Change,
  ChangeResourceRecordSetsCommand,
  ChangeResourceRecordSetsResponse,
  CreateHealthCheckCommand,
  CreateHealthCheckResponse,
  DeleteHealthCheckCommand,
  GetChangeCommand,
  GetChangeResponse,
  GetHealthCheckStatusCommand,
  GetHealthCheckStatusResponse,
  ListResourceRecordSetsCommand,
  ListResourceRecordSetsResponse,
  ResourceRecordSet,
  Route53Client,
} from "@aws-sdk/client-route-53";
import type { Clock } from "../common/clock";
import type { HealthCheckSpec, RecordType, TargetSpec, Weights } from "./types";
import { assertWritableWeights } from "./weights";

export interface PairAddress {
  zoneId: string;
  recordName: string;
  recordType: RecordType;
  awsSetIdentifier: string;
  ociSetIdentifier: string;
}

export interface RecordGroup {
  /** A non-weighted record at the name (the usual starting point: a plain record to AWS). */
  simple?: ResourceRecordSet;
  aws?: ResourceRecordSet;
  oci?: ResourceRecordSet;
  /** Weighted records at the name that belong to neither side. */
  others: ResourceRecordSet[];
}

export function normalizeName(name: string): string {
  const lower = name.trim().toLowerCase();
  return lower.endsWith(".") ? lower : `${lower}.`;
}

/** The weights live in Route53, or undefined when the pair does not exist yet. */
export function liveWeights(group: RecordGroup): Weights | undefined {
  if (!group.aws && !group.oci) return undefined;
  return { aws: group.aws?.Weight ?? 0, oci: group.oci?.Weight ?? 0 };
}

export function groupTtl(group: RecordGroup): number | undefined {
  const ttls = [group.simple, group.aws, group.oci, ...group.others].map((r) => r?.TTL).filter((t): t is number => t !== undefined);
  return ttls.length > 0 ? Math.max(...ttls) : undefined;
}

/** The record Route53 should hold for a target at a weight. */
export function targetRecord(addr: PairAddress, target: TargetSpec, weight: number, ttl: number, healthCheckId?: string): ResourceRecordSet {
  return {
    Name: normalizeName(addr.recordName),
    Type: addr.recordType,
    SetIdentifier: target.setIdentifier,
    Weight: weight,
    ...(target.alias
      ? {
          AliasTarget: {
            HostedZoneId: target.alias.hostedZoneId,
            DNSName: target.alias.dnsName,
            EvaluateTargetHealth: target.alias.evaluateTargetHealth,
          },
        }
      : { TTL: ttl, ResourceRecords: (target.values ?? []).map((Value) => ({ Value })) }),
    ...(healthCheckId ? { HealthCheckId: healthCheckId } : {}),
  };
}

export class PairRecords {
  constructor(
    private readonly client: Route53Client,
    private readonly clock: Clock,
    readonly addr: PairAddress,
  ) {}

  private async send<T>(what: string, command: unknown): Promise<T> {
    try {
      return (await this.client.send(command as never)) as T;
    } catch (err) {
      // The SDK retried what Route53 asks callers to retry; say which call gave up, and after how many tries.
      const attempts = (err as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1;
      if (err instanceof Error && attempts > 1) err.message = `${what}: ${err.message} (after ${attempts} attempts)`;
      throw err;
    }
  }

  async readGroup(): Promise<RecordGroup> {
    const name = normalizeName(this.addr.recordName);
    const group: RecordGroup = { others: [] };
    let start: { name: string; type: string; identifier?: string } | undefined = { name, type: this.addr.recordType };
    while (start) {
      const page: ListResourceRecordSetsResponse = await this.send(
        "ListResourceRecordSets",
        new ListResourceRecordSetsCommand({
          HostedZoneId: this.addr.zoneId,
          StartRecordName: start.name,
          StartRecordType: start.type as RecordType,
          StartRecordIdentifier: start.identifier,
          MaxItems: 100,
        }),
      );
      let left = false;
      for (const record of page.ResourceRecordSets ?? []) {
        if (normalizeName(record.Name ?? "") !== name || record.Type !== this.addr.recordType) {
          left = true;
          break;
        }
        if (record.SetIdentifier === undefined) group.simple = record;
        else if (record.SetIdentifier === this.addr.awsSetIdentifier) group.aws = record;
        else if (record.SetIdentifier === this.addr.ociSetIdentifier) group.oci = record;
        else group.others.push(record);
      }
      start =
        !left && page.IsTruncated && page.NextRecordName
          ? { name: page.NextRecordName, type: page.NextRecordType ?? this.addr.recordType, identifier: page.NextRecordIdentifier }
          : undefined;
    }
    return group;
  }

  /**
   * Writes both records in one transactional change (plus `extra` changes, e.g. deleting the old
   * plain record). The only path that writes weights, so the all-zero guard cannot be bypassed.
   */
  async writePair(aws: ResourceRecordSet, oci: ResourceRecordSet, comment: string, extra: Change[] = []): Promise<string> {
    assertWritableWeights({ aws: aws.Weight ?? -1, oci: oci.Weight ?? -1 });
    const changes: Change[] = [
      ...extra,
      { Action: "UPSERT", ResourceRecordSet: aws },
      { Action: "UPSERT", ResourceRecordSet: oci },
    ];
    return this.submit(changes, comment);
  }

  async deleteRecord(record: ResourceRecordSet, comment: string): Promise<string> {
    return this.submit([{ Action: "DELETE", ResourceRecordSet: record }], comment);
  }

  private async submit(changes: Change[], comment: string): Promise<string> {
    const result: ChangeResourceRecordSetsResponse = await this.send(
      "ChangeResourceRecordSets",
      new ChangeResourceRecordSetsCommand({ HostedZoneId: this.addr.zoneId, ChangeBatch: { Comment: comment, Changes: changes } }),
    );
    const id = result.ChangeInfo?.Id;
    if (!id) throw new Error("ChangeResourceRecordSets answered without a change id");
    return id;
  }

  /**
   * Polls GetChange until INSYNC (every Route53 server has the change): first after 250 ms, then
   * doubling up to `maxPollMs`, which keeps quick changes quick and slow ones cheap on API quota.
   */
  async waitInSync(changeId: string, timeoutMs = 10 * 60_000, maxPollMs = 5_000): Promise<number> {
    const started = this.clock.now();
    for (let pollMs = 250; ; pollMs = Math.min(maxPollMs, pollMs * 2)) {
      const result: GetChangeResponse = await this.send("GetChange", new GetChangeCommand({ Id: changeId }));
      if (result.ChangeInfo?.Status === "INSYNC") return this.clock.now() - started;
      if (this.clock.now() - started >= timeoutMs) {
        throw new Error(`change ${changeId} still ${result.ChangeInfo?.Status} after ${Math.round(timeoutMs / 1000)} s`);
      }
      await this.clock.sleep(pollMs);
    }
  }

  /**
   * Creates the health check once per `generation`: the caller reference is derived from the
   * record, the settings and the generation. Route53 refuses a caller reference of a deleted
   * check, so each life of the resource (create after destroy) brings its own generation.
   */
  async ensureHealthCheck(target: TargetSpec, spec: HealthCheckSpec, generation: string): Promise<string> {
    const seed = JSON.stringify([this.addr.zoneId, normalizeName(this.addr.recordName), this.addr.recordType, target.setIdentifier, spec, generation]);
    const callerReference = `tundra-cutover-${createHash("sha256").update(seed).digest("hex").slice(0, 40)}`;
    const result: CreateHealthCheckResponse = await this.send(
      "CreateHealthCheck",
      new CreateHealthCheckCommand({
        CallerReference: callerReference,
        HealthCheckConfig: {
          Type: spec.type,
          Port: spec.port,
          ...(spec.resourcePath ? { ResourcePath: spec.resourcePath } : {}),
          ...(spec.fqdn ? { FullyQualifiedDomainName: spec.fqdn } : {}),
          ...(spec.ipAddress ? { IPAddress: spec.ipAddress } : {}),
          RequestInterval: spec.requestIntervalSeconds,
          FailureThreshold: spec.failureThreshold,
        },
      }),
    );
    const id = result.HealthCheck?.Id;
    if (!id) throw new Error("CreateHealthCheck answered without an id");
    return id;
  }

  /** Route53 counts a check healthy when more than 18% of its checkers report success. */
  async isHealthy(healthCheckId: string): Promise<boolean> {
    const result: GetHealthCheckStatusResponse = await this.send(
      "GetHealthCheckStatus",
      new GetHealthCheckStatusCommand({ HealthCheckId: healthCheckId }),
    );
    const observations = result.HealthCheckObservations ?? [];
    if (observations.length === 0) return false;
    const ok = observations.filter((o) => (o.StatusReport?.Status ?? "").startsWith("Success")).length;
    return ok / observations.length > 0.18;
  }

  async deleteHealthCheck(healthCheckId: string): Promise<void> {
    try {
      await this.send("DeleteHealthCheck", new DeleteHealthCheckCommand({ HealthCheckId: healthCheckId }));
    } catch (err) {
      if ((err as { name?: string }).name !== "NoSuchHealthCheck") throw err;
    }
  }
}

/**
 * SDK attempts per Route53 call (first try included). Route53 throttles per account (token
 * buckets: "Throttling for Amazon Route 53 API requests", Route53 Developer Guide), and tenant
 * stacks run in parallel against that one budget, so throttled answers (HTTP 400 `Throttling` /
 * `PriorRequestNotComplete`) are expected, not exceptional.
 */
export const ROUTE53_MAX_ATTEMPTS = 8;

/**
 * The Route53 endpoint the providers call, from the stack config: `tundra:endpoints.route53`
 * (the section the program validates), else the provider key `tundra-replatform:route53Endpoint`,
 * else TUNDRA_ROUTE53_ENDPOINT; undefined for AWS's own. The Cutover and the DecommissionGuard
 * both read it here.
 */
export function route53EndpointFrom(config: (key: string) => string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  let section: { route53?: unknown } | undefined;
  try {
    section = JSON.parse(config("tundra:endpoints") ?? "null") ?? undefined;
  } catch {
    section = undefined; // the program refuses an invalid section before any provider runs
  }
  const fromSection = typeof section?.route53 === "string" ? section.route53 : undefined;
  return fromSection || config("tundra-replatform:route53Endpoint") || env.TUNDRA_ROUTE53_ENDPOINT || undefined;
}

/**
 * A Route53 client: credentials from the standard AWS chain, optional endpoint for tests.
 * Retry mode `adaptive` (AWS SDK v3): the standard retries (exponential backoff with jitter,
 * 500 ms base for throttling errors, 20 s cap, a retry quota) plus a client-side rate limiter
 * that slows this client's sends after a throttled answer, so a walk yields to the other stacks
 * sharing the account instead of retrying into the same empty bucket. One client per walk (see
 * engineDeps), so the limiter learns over the whole walk.
 */
export function makeRoute53Client(endpoint?: string): Route53Client {
  return new Route53Client({ region: "us-east-1", retryMode: "adaptive", maxAttempts: ROUTE53_MAX_ATTEMPTS, ...(endpoint ? { endpoint } : {}) });
}
