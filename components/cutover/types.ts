// The cutover plan as the engine runs it: plain data, already validated (see spec.ts).

export type RecordType = "A" | "AAAA" | "CNAME";

export interface AliasSpec {
  hostedZoneId: string;
  dnsName: string;
  evaluateTargetHealth: boolean;
}

/** A Route53 health check the engine creates (idempotently) for a target. */
export interface HealthCheckSpec {
  type: "HTTP" | "HTTPS" | "TCP";
  port: number;
  resourcePath?: string;
  fqdn?: string;
  ipAddress?: string;
  requestIntervalSeconds: 10 | 30;
  failureThreshold: number;
}

export interface TargetSpec {
  setIdentifier: string;
  /** A/AAAA addresses or the CNAME host name; exactly one of `values` and `alias`. */
  values?: string[];
  alias?: AliasSpec;
  healthCheck?: HealthCheckSpec;
}

/** HTTP probe of the OCI endpoint (URL plus Host header, as a tenant's client would send). */
export interface ProbeSpec {
  url: string;
  hostHeader?: string;
  samples: number;
  concurrency: number;
  timeoutMs: number;
  maxP95Ms: number;
  /** Fraction 0..1; the run fails when the error rate reaches it (default 0.01: "errors < 1%"). */
  maxErrorRate: number;
}

/** Analysis in the spirit of Argo Rollouts (interval, count, failureLimit) and Flagger (threshold). */
export interface GateSpec {
  /** Require the OCI record's Route53 health check to be healthy at every analysis run. */
  healthCheck: boolean;
  probe?: ProbeSpec;
  /** Time between analysis runs during a bake; runs per step = max(1, floor(bake / interval)). */
  intervalMs: number;
  /** Failed runs tolerated per step; one more and the step fails (Argo's failureLimit). */
  failureLimit: number;
}

export type RollbackPolicy = "last-good" | "aws";

export interface CutoverPlan {
  zoneId: string;
  recordName: string;
  recordType: RecordType;
  ttl: number;
  aws: TargetSpec;
  oci: TargetSpec;
  /** OCI share per step, percent, strictly ascending, 1..100. */
  steps: number[];
  targetOciPercent: number;
  bakeMs: number;
  gates: GateSpec;
  rollback: RollbackPolicy;
}

/** Route53 weights of the two records (integers 0..255, never both 0 when written). */
export interface Weights {
  aws: number;
  oci: number;
}

export interface Measurement {
  at: string;
  ociPercent: number;
  /** Health check verdict; null when the gate does not use one. */
  healthCheck: "healthy" | "unhealthy" | null;
  samples: number;
  errors: number;
  errorRate: number;
  p95Ms: number;
  passed: boolean;
  reasons: string[];
}

export interface HistoryEvent {
  at: string;
  event: "lower-ttl" | "migrate-simple-record" | "step" | "step-passed" | "rollback" | "restore" | "complete";
  weights: Weights;
  detail: string;
}
