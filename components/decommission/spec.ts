// DecommissionGuard inputs as a user writes them -> checked, normalized inputs (plain JSON, every
// default filled in), each failure named by its property with the fix. Pure: no Pulumi, no I/O.
import type { DestinationSpec, SourceSpec } from "../datasync/logic";
import type { RecordType } from "../cutover/types";
import { normalisePrefix } from "../common/prefix";
import { isUnknown, UNKNOWN } from "../dynamic/unknown";

export { isUnknown, UNKNOWN };

export const DEFAULT_MIN_DAYS_ON_OCI = 7;

export interface Route53PairInput {
  zoneId: string;
  recordName: string;
  recordType?: RecordType;
  awsSetIdentifier?: string;
  ociSetIdentifier?: string;
}

/** What the OCI tenant stack says (see oci-stack-facts.ts). */
export interface OciStackInput {
  /** The OCI stack's name, for the reader (e.g. acme-org/tundra-replatform/prod). */
  name: string;
  /** ISO time OCI started carrying all traffic, "" when unknown. */
  ociFullSince: string;
  awsDecommissioned: boolean;
  /** What the OCI stack's outputs lacked ("" when nothing). */
  note?: string;
}

export interface GuardInputs {
  tenant: string;
  route53: Route53PairInput;
  /** The AWS data the migration copied (the DataSync source). */
  source: Partial<SourceSpec> & Pick<SourceSpec, "bucket" | "region">;
  /** Where it went in OCI (the DataSync destination). */
  destination: Partial<DestinationSpec> & Pick<DestinationSpec, "namespace" | "bucket">;
  /** Days OCI must have carried 100% of the traffic (default 7). */
  minDaysOnOci?: number;
  ociStack: OciStackInput;
}

/** Checked inputs: defaults filled in, prefixes normalized. */
export interface CheckedGuardInputs {
  tenant: string;
  route53: Required<Route53PairInput>;
  source: SourceSpec;
  destination: DestinationSpec;
  minDaysOnOci: number;
  ociStack: Required<OciStackInput>;
}

export interface Failure {
  property: string;
  reason: string;
}

/** Dotted paths of the unknown values, for the preview text. */
export function unknownPaths(value: unknown, path = ""): string[] {
  if (value === UNKNOWN) return [path || "(inputs)"];
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => unknownPaths(v, path ? `${path}.${k}` : k));
  }
  return [];
}

class Collector {
  failures: Failure[] = [];
  fail(property: string, reason: string): void {
    this.failures.push({ property, reason });
  }
  text(property: string, value: unknown, what: string, fallback?: string): string {
    if (value === undefined && fallback !== undefined) return fallback;
    if (isUnknown(value)) return value as string;
    if (typeof value !== "string" || value.trim() === "") {
      this.fail(property, `is required: ${what} (got ${JSON.stringify(value)})`);
      return "";
    }
    return value;
  }
  optionalText(property: string, value: unknown, what: string): string {
    if (value === undefined || value === "") return "";
    return this.text(property, value, what);
  }
}

const RECORD_TYPES = ["A", "AAAA", "CNAME"];

/** Validates and normalizes. Unknown values (preview) pass through untouched and never fail. */
export function checkGuardInputs(raw: Record<string, any>): { inputs: CheckedGuardInputs; failures: Failure[] } {
  const c = new Collector();
  const r53 = raw.route53 ?? {};
  const src = raw.source ?? {};
  const dst = raw.destination ?? {};
  const oci = raw.ociStack ?? {};
  for (const [key, value] of [["route53", raw.route53], ["source", raw.source], ["destination", raw.destination], ["ociStack", raw.ociStack]] as const) {
    if (value === undefined || (typeof value !== "object" && !isUnknown(value))) c.fail(key, "is required (an object; see docs/decommission.md)");
  }

  const recordType = c.text("route53.recordType", r53.recordType, "A, AAAA or CNAME", "A");
  if (!isUnknown(recordType) && recordType && !RECORD_TYPES.includes(recordType)) c.fail("route53.recordType", `must be A, AAAA or CNAME (got ${JSON.stringify(recordType)})`);
  const route53 = {
    zoneId: c.text("route53.zoneId", r53.zoneId, "the Route53 hosted zone id of the tenant's name"),
    recordName: c.text("route53.recordName", r53.recordName, "the tenant's DNS name"),
    recordType: recordType as RecordType,
    awsSetIdentifier: c.text("route53.awsSetIdentifier", r53.awsSetIdentifier, "the SetIdentifier of the AWS record", "aws"),
    ociSetIdentifier: c.text("route53.ociSetIdentifier", r53.ociSetIdentifier, "the SetIdentifier of the OCI record", "oci"),
  };
  if (!isUnknown(route53.awsSetIdentifier) && route53.awsSetIdentifier === route53.ociSetIdentifier) {
    c.fail("route53.ociSetIdentifier", `must differ from route53.awsSetIdentifier (both are ${JSON.stringify(route53.awsSetIdentifier)})`);
  }

  const source: SourceSpec = {
    bucket: c.text("source.bucket", src.bucket, "the S3 bucket the tenant's data was copied from"),
    prefix: isUnknown(src.prefix) ? src.prefix : normalisePrefix(typeof src.prefix === "string" ? src.prefix : undefined),
    region: c.text("source.region", src.region, "the AWS region of the bucket, e.g. us-east-1"),
    endpoint: c.optionalText("source.endpoint", src.endpoint, "an S3-compatible endpoint URL"),
    forcePathStyle: src.forcePathStyle === undefined ? false : src.forcePathStyle,
  };
  if (!isUnknown(source.forcePathStyle) && typeof source.forcePathStyle !== "boolean") c.fail("source.forcePathStyle", "must be true or false");
  const destination: DestinationSpec = {
    namespace: c.text("destination.namespace", dst.namespace, "the OCI Object Storage namespace (`oci os ns get`)"),
    bucket: c.text("destination.bucket", dst.bucket, "the tenant's OCI bucket"),
    prefix: isUnknown(dst.prefix) ? dst.prefix : normalisePrefix(typeof dst.prefix === "string" ? dst.prefix : undefined),
    region: c.optionalText("destination.region", dst.region, "an OCI region id such as us-ashburn-1"),
    endpoint: c.optionalText("destination.endpoint", dst.endpoint, "an OCI Object Storage endpoint URL"),
  };
  for (const [property, value] of [["source.prefix", src.prefix], ["destination.prefix", dst.prefix]] as const) {
    if (value !== undefined && !isUnknown(value) && typeof value !== "string") c.fail(property, `must be a string (got ${JSON.stringify(value)})`);
  }

  const minDaysOnOci = raw.minDaysOnOci ?? DEFAULT_MIN_DAYS_ON_OCI;
  if (!isUnknown(minDaysOnOci) && (typeof minDaysOnOci !== "number" || !Number.isFinite(minDaysOnOci) || minDaysOnOci < 0 || minDaysOnOci > 365)) {
    c.fail("minDaysOnOci", `must be a number of days from 0 to 365 (got ${JSON.stringify(raw.minDaysOnOci)})`);
  }

  const ociFullSince = oci.ociFullSince ?? "";
  if (!isUnknown(ociFullSince) && (typeof ociFullSince !== "string" || (ociFullSince !== "" && !Number.isFinite(Date.parse(ociFullSince))))) {
    c.fail("ociStack.ociFullSince", `must be an ISO date such as 2026-11-10T08:00:00Z, or "" when unknown (got ${JSON.stringify(oci.ociFullSince)})`);
  }
  const awsDecommissioned = oci.awsDecommissioned ?? false;
  if (!isUnknown(awsDecommissioned) && typeof awsDecommissioned !== "boolean") c.fail("ociStack.awsDecommissioned", "must be true or false");
  const ociStack = {
    name: c.text("ociStack.name", oci.name, "the OCI tenant stack, e.g. acme-org/tundra-replatform/prod"),
    ociFullSince,
    awsDecommissioned,
    note: typeof oci.note === "string" || isUnknown(oci.note) ? oci.note : "",
  };

  return {
    inputs: { tenant: c.text("tenant", raw.tenant, "the tenant id"), route53, source, destination, minDaysOnOci, ociStack },
    failures: c.failures,
  };
}
