// A Route53 REST/XML server on 127.0.0.1 for tests, faithful to the public API for what the
// cutover uses (API version 2013-04-01): ChangeResourceRecordSets, GetChange,
// ListResourceRecordSets, CreateHealthCheck, GetHealthCheckStatus, DeleteHealthCheck.
// The real @aws-sdk/client-route-53 is the client in every test, so wire format, error codes and
// pagination are judged by the SDK, not by this file.
//
// Error texts are the ones AWS returns (as quoted in public issue threads): e.g.
// "Tried to create resource record set [name='x.', type='A', set-identifier='aws'] but it already
// exists", "... but it was not found", "RRSet with DNS name x. and type A, SetIdentifier oci cannot
// be created as weighted sets must contain the same TTL." Change batches are transactional:
// changes are validated one by one against a working copy and saved only if all pass.
//
// It also answers DNS queries the way Route53 weighted routing does (`resolve`), so tests can
// measure the traffic split that the live weights and health checks really produce.
import { randomBytes, randomUUID } from "crypto";
import * as http from "http";
import { AddressInfo } from "net";
import { XMLBuilder, XMLParser } from "fast-xml-parser";
import { refusedHealthCheckRange } from "../../components/aws/route53-health-checks";
import { resetConnection, sleep, type FaultInjector } from "./faults";

const NS = "https://route53.amazonaws.com/doc/2013-04-01/";
const PREFIX = "/2013-04-01";

export interface AliasTarget {
  HostedZoneId: string;
  DNSName: string;
  EvaluateTargetHealth: boolean;
}

export interface RecordSet {
  Name: string;
  Type: string;
  SetIdentifier?: string;
  Weight?: number;
  TTL?: number;
  ResourceRecords?: string[];
  AliasTarget?: AliasTarget;
  HealthCheckId?: string;
}

interface Zone {
  id: string;
  name: string;
  records: RecordSet[];
}

interface ChangeInfo {
  id: string;
  submittedAt: number;
  comment?: string;
}

interface HealthCheck {
  id: string;
  callerReference: string;
  config: Record<string, unknown>;
  healthy: boolean;
}

export interface Route53ServerOptions {
  /** How long a change stays PENDING before GetChange answers INSYNC (default 100 ms). */
  syncDelayMs?: number;
  /** Time source for PENDING -> INSYNC, so a test can share its fake clock (default Date.now). */
  now?: () => number;
  /** The server closes itself after this long without requests (default 120 s). */
  idleTimeoutMs?: number;
  /**
   * Random faults, answered as Route53 answers them: a throttle is HTTP 400 `Throttling` "Rate
   * exceeded" (not the 429 of other services), unavailable is 503 `ServiceUnavailable`, a reset
   * cuts the connection; slow answers are delayed. Truncation is not modelled (small XML bodies).
   */
  faults?: FaultInjector;
  /** Port on 127.0.0.1 (default: any free one). */
  port?: number;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  action: string;
  status: number;
  at: number;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Route53 stores names lower-case and fully qualified. */
export function normalizeName(name: string): string {
  const lower = name.trim().toLowerCase();
  return lower.endsWith(".") ? lower : `${lower}.`;
}

/** Route53 lists records by name with the labels reversed (com.example.www), then type, then SetIdentifier. */
function sortKey(r: { Name: string; Type: string; SetIdentifier?: string }): [string, string, string] {
  return [r.Name.split(".").filter(Boolean).reverse().join("."), r.Type, r.SetIdentifier ?? ""];
}

function compareKeys(a: [string, string, string], b: [string, string, string]): number {
  for (let i = 0; i < 3; i++) {
    if (a[i] < b[i]) return -1;
    if (a[i] > b[i]) return 1;
  }
  return 0;
}

function describe(r: RecordSet): string {
  return `[name='${r.Name}', type='${r.Type}'${r.SetIdentifier !== undefined ? `, set-identifier='${r.SetIdentifier}'` : ""}]`;
}

function sameRecord(a: RecordSet, b: RecordSet): boolean {
  return a.Name === b.Name && a.Type === b.Type && (a.SetIdentifier ?? null) === (b.SetIdentifier ?? null);
}

function sameValues(a: RecordSet, b: RecordSet): boolean {
  const values = (r: RecordSet) => [...(r.ResourceRecords ?? [])].sort().join("\n");
  const alias = (r: RecordSet) =>
    r.AliasTarget ? `${r.AliasTarget.HostedZoneId}|${normalizeName(r.AliasTarget.DNSName)}|${r.AliasTarget.EvaluateTargetHealth}` : "";
  return (
    (a.TTL ?? null) === (b.TTL ?? null) &&
    (a.Weight ?? null) === (b.Weight ?? null) &&
    (a.HealthCheckId ?? null) === (b.HealthCheckId ?? null) &&
    values(a) === values(b) &&
    alias(a) === alias(b)
  );
}

/** Deterministic PRNG so a resolver run is reproducible (mulberry32). */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Route53Server {
  private server?: http.Server;
  private idleTimer?: NodeJS.Timeout;
  private readonly zones = new Map<string, Zone>();
  private readonly changes = new Map<string, ChangeInfo>();
  private readonly healthChecks = new Map<string, HealthCheck>();
  /** Route53 remembers the caller references of deleted health checks (for some days). */
  private readonly deletedCallerReferences = new Set<string>();
  private readonly failures: { action: string; status: number; code: string; message: string; skip: number }[] = [];
  private readonly faults?: FaultInjector;
  readonly log: RequestLogEntry[] = [];
  syncDelayMs: number;
  private readonly now: () => number;
  private readonly idleTimeoutMs: number;
  private readonly port: number;
  private readonly parser = new XMLParser({
    ignoreAttributes: true,
    parseTagValue: false,
    trimValues: true,
    isArray: (name) => ["Change", "ResourceRecord"].includes(name),
  });
  private readonly builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@_", suppressEmptyNode: false });
  endpoint = "";

  constructor(opts: Route53ServerOptions = {}) {
    this.syncDelayMs = opts.syncDelayMs ?? 100;
    this.now = opts.now ?? Date.now;
    this.idleTimeoutMs = opts.idleTimeoutMs ?? 120_000;
    this.faults = opts.faults;
    this.port = opts.port ?? 0;
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen(this.port, "127.0.0.1", resolve);
    });
    this.server.unref();
    this.touch();
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.endpoint;
  }

  async stop(): Promise<void> {
    clearTimeout(this.idleTimer);
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private touch(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.stop(), this.idleTimeoutMs);
    this.idleTimer.unref();
  }

  // ---- test controls -------------------------------------------------------------------------

  /** Creates a hosted zone (tests seed zones directly; CreateHostedZone is not needed). */
  createZone(name: string, zoneId?: string): string {
    // A given id restores a zone kept from an earlier run (the rehearsal's --again).
    const id = zoneId ?? `Z${randomBytes(8).toString("hex").toUpperCase()}`;
    this.zones.set(id, { id, name: normalizeName(name), records: [] });
    return id;
  }

  /** The zone's records as Route53 stores them (a copy). */
  records(zoneId: string): RecordSet[] {
    return structuredClone(this.zone(zoneId).records);
  }

  /** Puts records directly (a hand-made change outside the cutover), without validation. */
  putRecord(zoneId: string, record: RecordSet): void {
    const zone = this.zone(zoneId);
    const normalized = { ...record, Name: normalizeName(record.Name) };
    zone.records = zone.records.filter((r) => !sameRecord(r, normalized));
    zone.records.push(normalized);
  }

  setHealth(healthCheckId: string, healthy: boolean): void {
    const check = this.healthChecks.get(healthCheckId);
    if (!check) throw new Error(`no health check ${healthCheckId}`);
    check.healthy = healthy;
  }

  healthCheckIds(): string[] {
    return [...this.healthChecks.keys()];
  }

  /**
   * `count` calls of `action` fail with this error (e.g. Throttling, PriorRequestNotComplete):
   * the next ones, or those after `after` more calls of the action went through (mid-walk faults).
   */
  failNext(action: string, count: number, code = "Throttling", message = "Rate exceeded", status = 400, after = 0): void {
    for (let i = 0; i < count; i++) this.failures.push({ action, status, code, message, skip: i === 0 ? after : 0 });
  }

  /**
   * Answers one DNS query for name/type as Route53 weighted routing does: a record's share is
   * weight / sum of weights among healthy records; records without a health check are healthy;
   * if every record is unhealthy, all are treated as healthy; zero-weight records answer only
   * when every non-zero record is unhealthy; if all weights are 0, the split is equal.
   * Returns the SetIdentifier chosen.
   */
  resolve(zoneId: string, name: string, type: string, random: () => number = Math.random): string {
    const group = this.zone(zoneId).records.filter((r) => r.Name === normalizeName(name) && r.Type === type);
    if (group.length === 0) throw new Error(`NXDOMAIN/NODATA for ${name} ${type}`);
    const healthyOf = (r: RecordSet) => !r.HealthCheckId || (this.healthChecks.get(r.HealthCheckId)?.healthy ?? true);
    let candidates = group.filter(healthyOf);
    if (candidates.length === 0) candidates = group;
    const nonZero = candidates.filter((r) => (r.Weight ?? 0) > 0);
    const pool = nonZero.length > 0 ? nonZero : candidates;
    const weights = nonZero.length > 0 ? pool.map((r) => r.Weight ?? 0) : pool.map(() => 1);
    const total = weights.reduce((a, b) => a + b, 0);
    let pick = random() * total;
    for (let i = 0; i < pool.length; i++) {
      pick -= weights[i];
      if (pick < 0) return pool[i].SetIdentifier ?? "";
    }
    return pool[pool.length - 1].SetIdentifier ?? "";
  }

  /** Resolves `queries` times with a seeded generator and returns each SetIdentifier's share. */
  sampleSplit(zoneId: string, name: string, type: string, queries = 10_000, seed = 42): Record<string, number> {
    const random = seededRandom(seed);
    const counts: Record<string, number> = {};
    for (let i = 0; i < queries; i++) {
      const id = this.resolve(zoneId, name, type, random);
      counts[id] = (counts[id] ?? 0) + 1;
    }
    return Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, v / queries]));
  }

  // ---- HTTP ----------------------------------------------------------------------------------

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.touch();
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const url = new URL(req.url ?? "/", "http://localhost");
      let action = "Unknown";
      const reply = (status: number, body: string, headers: Record<string, string> = {}) => {
        this.log.push({ method: req.method ?? "", path: url.pathname, action, status, at: Date.now() });
        res.writeHead(status, {
          "content-type": "text/xml",
          "x-amzn-requestid": randomBytes(16).toString("hex"),
          ...headers,
        });
        res.end(body);
      };
      try {
        if (!String(req.headers.authorization ?? "").startsWith("AWS4-HMAC-SHA256 ")) {
          throw new ApiError(403, "MissingAuthenticationToken", "Missing Authentication Token");
        }
        const route = this.route(req.method ?? "GET", url.pathname);
        action = route.action;
        const injected = this.failures.findIndex((f) => f.action === action);
        if (injected >= 0 && this.failures[injected].skip > 0) this.failures[injected].skip -= 1;
        else if (injected >= 0) {
          const [f] = this.failures.splice(injected, 1);
          throw new ApiError(f.status, f.code, f.message);
        }
        const fault = this.faults?.decide(req);
        if (fault?.delayMs) await sleep(fault.delayMs);
        if (fault?.kind === "reset") return resetConnection(req);
        if (fault?.kind === "throttle") throw new ApiError(400, "Throttling", "Rate exceeded");
        if (fault?.kind === "unavailable") throw new ApiError(503, "ServiceUnavailable", "Service Unavailable");
        const result = route.run(url.searchParams, Buffer.concat(chunks).toString("utf8"));
        reply(result.status ?? 200, this.xml(result.root, result.body), result.headers);
      } catch (err) {
        const e = err instanceof ApiError ? err : new ApiError(500, "InternalFailure", String((err as Error)?.message ?? err));
        reply(
          e.status,
          this.xml("ErrorResponse", {
            Error: { Type: e.status >= 500 ? "Receiver" : "Sender", Code: e.code, Message: e.message },
            RequestId: randomBytes(16).toString("hex"),
          }),
        );
      }
    });
  }

  private xml(root: string, body: Record<string, unknown>): string {
    return `<?xml version="1.0"?>\n${this.builder.build({ [root]: { "@_xmlns": NS, ...body } })}`;
  }

  private route(method: string, path: string): { action: string; run: (q: URLSearchParams, body: string) => Reply } {
    let m: RegExpMatchArray | null;
    if (method === "POST" && (m = path.match(/^\/2013-04-01\/hostedzone\/([^/]+)\/rrset\/?$/))) {
      const zoneId = m[1];
      return { action: "ChangeResourceRecordSets", run: (_q, body) => this.changeRecordSets(zoneId, body) };
    }
    if (method === "GET" && (m = path.match(/^\/2013-04-01\/hostedzone\/([^/]+)\/rrset\/?$/))) {
      const zoneId = m[1];
      return { action: "ListResourceRecordSets", run: (q) => this.listRecordSets(zoneId, q) };
    }
    if (method === "GET" && (m = path.match(/^\/2013-04-01\/change\/([^/]+)$/))) {
      const id = m[1];
      return { action: "GetChange", run: () => this.getChange(id) };
    }
    if (method === "POST" && path.match(/^\/2013-04-01\/healthcheck\/?$/)) {
      return { action: "CreateHealthCheck", run: (_q, body) => this.createHealthCheck(body) };
    }
    if (method === "GET" && (m = path.match(/^\/2013-04-01\/healthcheck\/([^/]+)\/status$/))) {
      const id = m[1];
      return { action: "GetHealthCheckStatus", run: () => this.healthCheckStatus(id) };
    }
    if (method === "DELETE" && (m = path.match(/^\/2013-04-01\/healthcheck\/([^/]+)$/))) {
      const id = m[1];
      return { action: "DeleteHealthCheck", run: () => this.deleteHealthCheck(id) };
    }
    throw new ApiError(404, "UnknownOperationException", `No operation for ${method} ${path.replace(PREFIX, "")}`);
  }

  private zone(id: string): Zone {
    const zone = this.zones.get(id.replace(/^\/?hostedzone\//, ""));
    if (!zone) throw new ApiError(404, "NoSuchHostedZone", `No hosted zone found with ID: ${id}`);
    return zone;
  }

  private changeRecordSets(zoneId: string, body: string): Reply {
    const zone = this.zone(zoneId);
    const doc = this.parse(body).ChangeResourceRecordSetsRequest?.ChangeBatch;
    const changes: any[] = doc?.Changes?.Change ?? [];
    if (changes.length === 0) throw new ApiError(400, "InvalidInput", "Invalid request: Changes must contain at least one Change");
    const working = structuredClone(zone.records);
    const messages: string[] = [];
    const touched = new Set<string>();

    changes.forEach((change, index) => {
      const action = String(change.Action ?? "");
      const record = this.recordFrom(change.ResourceRecordSet ?? {}, index, action);
      const where = `Change with [Action=${action}, Name=${record.Name}, Type=${record.Type}, SetIdentifier=${record.SetIdentifier ?? "null"}]`;
      if (!["CREATE", "DELETE", "UPSERT"].includes(action)) {
        throw new ApiError(400, "InvalidInput", `Invalid request: Unknown action ${action} in ${where}`);
      }
      if (record.Weight !== undefined && record.SetIdentifier === undefined) {
        throw new ApiError(400, "InvalidInput", `Invalid request: Missing field 'SetIdentifier' in ${where}`);
      }
      if (record.SetIdentifier !== undefined && record.Weight === undefined) {
        throw new ApiError(400, "InvalidInput", `Invalid request: Missing field 'Weight' in ${where}`);
      }
      const hasValues = record.TTL !== undefined && (record.ResourceRecords?.length ?? 0) > 0;
      if (action !== "DELETE" && hasValues === !!record.AliasTarget) {
        throw new ApiError(
          400,
          "InvalidInput",
          `Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found ${record.AliasTarget ? "more than one" : "none"} in ${where}`,
        );
      }
      const key = `${record.Name}|${record.Type}|${record.SetIdentifier ?? ""}`;
      if (touched.has(key)) {
        messages.push(`The request contains an invalid set of changes for a resource record set '${record.Type} ${record.Name}'`);
        return;
      }
      touched.add(key);
      if (!record.Name.endsWith(zone.name) || (record.Name !== zone.name && !record.Name.endsWith(`.${zone.name}`))) {
        messages.push(`RRSet with DNS name ${record.Name} is not permitted in zone ${zone.name}`);
        return;
      }
      const existingIndex = working.findIndex((r) => sameRecord(r, record));
      if (action === "DELETE") {
        if (existingIndex < 0) messages.push(`Tried to delete resource record set ${describe(record)} but it was not found`);
        else if (!sameValues(working[existingIndex], record)) {
          messages.push(`Tried to delete resource record set ${describe(record)} but the values provided do not match the current values`);
        } else working.splice(existingIndex, 1);
        return;
      }
      if (action === "CREATE" && existingIndex >= 0) {
        messages.push(`Tried to create resource record set ${describe(record)} but it already exists`);
        return;
      }
      if (record.HealthCheckId && !this.healthChecks.has(record.HealthCheckId)) {
        throw new ApiError(400, "NoSuchHealthCheck", `A health check with id ${record.HealthCheckId} does not exist.`);
      }
      const others = working.filter((r) => r.Name === record.Name && r.Type === record.Type && !sameRecord(r, record));
      if (others.some((r) => r.SetIdentifier === undefined) || (record.SetIdentifier === undefined && others.length > 0)) {
        messages.push(
          record.SetIdentifier === undefined
            ? `RRSet with DNS name ${record.Name}, type ${record.Type} cannot be created as other RRSets exist with the same name and type.`
            : `RRSet with DNS name ${record.Name}, type ${record.Type}, SetIdentifier ${record.SetIdentifier} cannot be created as a non-weighted set exists with the same name and type.`,
        );
        return;
      }
      const otherTtl = others.find((r) => r.TTL !== undefined && record.TTL !== undefined && r.TTL !== record.TTL);
      if (otherTtl) {
        messages.push(
          `RRSet with DNS name ${record.Name} and type ${record.Type}, SetIdentifier ${record.SetIdentifier} cannot be created as weighted sets must contain the same TTL.`,
        );
        return;
      }
      const conflicting = working.find(
        (r) => r.Name === record.Name && r.Type !== record.Type && (r.Type === "CNAME" || record.Type === "CNAME"),
      );
      if (conflicting) {
        messages.push(
          `RRSet of type ${record.Type} with DNS name ${record.Name} is not permitted because a conflicting RRSet of type ${conflicting.Type} with the same DNS name already exists in zone ${zone.name}`,
        );
        return;
      }
      if (existingIndex >= 0) working[existingIndex] = record;
      else working.push(record);
    });

    if (messages.length > 0) throw new ApiError(400, "InvalidChangeBatch", `[${messages.join(", ")}]`);
    zone.records = working;
    const info: ChangeInfo = {
      id: `C${randomBytes(10).toString("hex").toUpperCase()}`,
      submittedAt: this.now(),
      comment: doc?.Comment,
    };
    this.changes.set(info.id, info);
    return { root: "ChangeResourceRecordSetsResponse", body: { ChangeInfo: this.changeInfo(info) } };
  }

  private recordFrom(raw: any, index: number, action: string): RecordSet {
    const name = raw.Name ? normalizeName(String(raw.Name)) : "";
    const type = String(raw.Type ?? "");
    if (!name || !type) {
      throw new ApiError(400, "InvalidInput", `Invalid request: Missing field '${!name ? "Name" : "Type"}' in Change number ${index + 1} (${action})`);
    }
    const record: RecordSet = { Name: name, Type: type };
    if (raw.SetIdentifier !== undefined) record.SetIdentifier = String(raw.SetIdentifier);
    if (raw.Weight !== undefined) {
      const weight = Number(raw.Weight);
      if (!Number.isInteger(weight) || weight < 0 || weight > 255) {
        throw new ApiError(
          400,
          "InvalidInput",
          `1 validation error detected: Value '${raw.Weight}' at 'changeBatch.changes.${index + 1}.member.resourceRecordSet.weight' failed to satisfy constraint: Member must have value ${weight < 0 ? "greater than or equal to 0" : "less than or equal to 255"}`,
        );
      }
      record.Weight = weight;
    }
    if (raw.TTL !== undefined) record.TTL = Number(raw.TTL);
    const values = raw.ResourceRecords?.ResourceRecord;
    if (values) record.ResourceRecords = values.map((v: any) => String(v.Value));
    if (raw.AliasTarget) {
      record.AliasTarget = {
        HostedZoneId: String(raw.AliasTarget.HostedZoneId),
        DNSName: normalizeName(String(raw.AliasTarget.DNSName)),
        EvaluateTargetHealth: String(raw.AliasTarget.EvaluateTargetHealth) === "true",
      };
    }
    if (raw.HealthCheckId !== undefined) record.HealthCheckId = String(raw.HealthCheckId);
    return record;
  }

  private changeInfo(info: ChangeInfo): Record<string, unknown> {
    const status = this.now() - info.submittedAt >= this.syncDelayMs ? "INSYNC" : "PENDING";
    return {
      Id: `/change/${info.id}`,
      Status: status,
      SubmittedAt: new Date(info.submittedAt).toISOString(),
      ...(info.comment ? { Comment: info.comment } : {}),
    };
  }

  private getChange(id: string): Reply {
    const info = this.changes.get(id.replace(/^\/?change\//, ""));
    if (!info) throw new ApiError(404, "NoSuchChange", `A change with the specified change ID does not exist.`);
    return { root: "GetChangeResponse", body: { ChangeInfo: this.changeInfo(info) } };
  }

  private listRecordSets(zoneId: string, q: URLSearchParams): Reply {
    const zone = this.zone(zoneId);
    const name = q.get("name");
    const type = q.get("type");
    const identifier = q.get("identifier");
    const maxItems = q.has("maxitems") ? Number(q.get("maxitems")) : 300;
    if (type && !name) throw new ApiError(400, "InvalidInput", "The input is not valid: you must specify name if you specify type");
    if (identifier && !type) throw new ApiError(400, "InvalidInput", "The input is not valid: you must specify type if you specify identifier");
    if (!Number.isInteger(maxItems) || maxItems < 1) throw new ApiError(400, "InvalidInput", `Invalid value for MaxItems: ${q.get("maxitems")}`);
    const limit = Math.min(maxItems, 300);
    const sorted = [...zone.records].sort((a, b) => compareKeys(sortKey(a), sortKey(b)));
    const start = name ? sortKey({ Name: normalizeName(name), Type: type ?? "", SetIdentifier: identifier ?? "" }) : undefined;
    const from = start ? sorted.filter((r) => compareKeys(sortKey(r), start) >= 0) : sorted;
    const page = from.slice(0, limit);
    const next = from[limit];
    return {
      root: "ListResourceRecordSetsResponse",
      body: {
        ResourceRecordSets: { ResourceRecordSet: page.map((r) => this.recordXml(r)) },
        IsTruncated: next ? "true" : "false",
        ...(next
          ? { NextRecordName: next.Name, NextRecordType: next.Type, ...(next.SetIdentifier !== undefined ? { NextRecordIdentifier: next.SetIdentifier } : {}) }
          : {}),
        MaxItems: String(maxItems),
      },
    };
  }

  private recordXml(r: RecordSet): Record<string, unknown> {
    return {
      Name: r.Name,
      Type: r.Type,
      ...(r.SetIdentifier !== undefined ? { SetIdentifier: r.SetIdentifier } : {}),
      ...(r.Weight !== undefined ? { Weight: String(r.Weight) } : {}),
      ...(r.TTL !== undefined ? { TTL: String(r.TTL) } : {}),
      ...(r.ResourceRecords ? { ResourceRecords: { ResourceRecord: r.ResourceRecords.map((Value) => ({ Value })) } } : {}),
      ...(r.AliasTarget
        ? {
            AliasTarget: {
              HostedZoneId: r.AliasTarget.HostedZoneId,
              DNSName: r.AliasTarget.DNSName,
              EvaluateTargetHealth: String(r.AliasTarget.EvaluateTargetHealth),
            },
          }
        : {}),
      ...(r.HealthCheckId ? { HealthCheckId: r.HealthCheckId } : {}),
    };
  }

  private createHealthCheck(body: string): Reply {
    const req = this.parse(body).CreateHealthCheckRequest ?? {};
    const callerReference = String(req.CallerReference ?? "");
    const config = req.HealthCheckConfig;
    if (!callerReference) throw new ApiError(400, "InvalidInput", "Invalid request: Missing field 'CallerReference'");
    if (!config?.Type) throw new ApiError(400, "InvalidInput", "Invalid request: Missing field 'Type' in HealthCheckConfig");
    // API reference, HealthCheckConfig.IPAddress: no checks of local, private, non-routable or
    // multicast addresses. The "Invalid parameter : " shape is Route53's for health check settings
    // (as quoted in public reports); this sentence itself was not found verbatim.
    if (config.IPAddress !== undefined && refusedHealthCheckRange(String(config.IPAddress))) {
      throw new ApiError(400, "InvalidInput", `Invalid parameter : IP address ${config.IPAddress} is not a public address that health checkers can reach.`);
    }
    if (this.deletedCallerReferences.has(callerReference)) {
      throw new ApiError(
        409,
        "HealthCheckAlreadyExists",
        `The health check you are trying to create already exists. Caller reference ${callerReference} belongs to a deleted health check.`,
      );
    }
    const existing = [...this.healthChecks.values()].find((h) => h.callerReference === callerReference);
    if (existing) {
      if (JSON.stringify(existing.config) !== JSON.stringify(config)) {
        throw new ApiError(
          409,
          "HealthCheckAlreadyExists",
          `The health check you are trying to create already exists. A health check with caller reference ${callerReference} has different settings.`,
        );
      }
      return { root: "CreateHealthCheckResponse", status: 201, body: { HealthCheck: this.healthCheckXml(existing) } };
    }
    const check: HealthCheck = { id: randomUUID(), callerReference, config, healthy: true };
    this.healthChecks.set(check.id, check);
    return {
      root: "CreateHealthCheckResponse",
      status: 201,
      headers: { location: `${this.endpoint}${PREFIX}/healthcheck/${check.id}` },
      body: { HealthCheck: this.healthCheckXml(check) },
    };
  }

  private healthCheckXml(h: HealthCheck): Record<string, unknown> {
    return { Id: h.id, CallerReference: h.callerReference, HealthCheckConfig: h.config, HealthCheckVersion: "1" };
  }

  private healthCheckStatus(id: string): Reply {
    const check = this.healthChecks.get(id);
    if (!check) throw new ApiError(404, "NoSuchHealthCheck", `A health check with id ${id} does not exist.`);
    const checkedTime = new Date(this.now()).toISOString();
    const regions = ["us-east-1", "us-west-1", "eu-west-1", "ap-southeast-1"];
    const status = check.healthy
      ? "Success: HTTP Status Code 200, OK"
      : "Failure: HTTP Status Code 503, Service Unavailable. Resolved IP: 192.0.2.10";
    return {
      root: "GetHealthCheckStatusResponse",
      body: {
        HealthCheckObservations: {
          HealthCheckObservation: regions.map((Region, i) => ({
            Region,
            IPAddress: `198.51.100.${i + 1}`,
            StatusReport: { Status: status, CheckedTime: checkedTime },
          })),
        },
      },
    };
  }

  private deleteHealthCheck(id: string): Reply {
    if (!this.healthChecks.has(id)) throw new ApiError(404, "NoSuchHealthCheck", `A health check with id ${id} does not exist.`);
    for (const zone of this.zones.values()) {
      if (zone.records.some((r) => r.HealthCheckId === id)) {
        throw new ApiError(400, "HealthCheckInUse", `Health check ${id} is still referenced from a resource record set.`);
      }
    }
    this.deletedCallerReferences.add(this.healthChecks.get(id)!.callerReference);
    this.healthChecks.delete(id);
    return { root: "DeleteHealthCheckResponse", body: {} };
  }

  private parse(body: string): any {
    try {
      return this.parser.parse(body);
    } catch (err) {
      throw new ApiError(400, "MalformedInput", `Unexpected XML: ${(err as Error).message}`);
    }
  }
}

interface Reply {
  root: string;
  body: Record<string, unknown>;
  status?: number;
  headers?: Record<string, string>;
}

/** Starts a server; `stop()` it in afterAll (it also stops by itself when idle). */
export async function startRoute53Server(opts: Route53ServerOptions = {}): Promise<Route53Server> {
  const server = new Route53Server(opts);
  await server.start();
  return server;
}
