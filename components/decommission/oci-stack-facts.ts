// What the OCI tenant stack tells the guard, read from its `cutover` stack output (through a
// pulumi.StackReference in the AWS-side program). Pure: no Pulumi, so every rule is tested alone.
//
// "OCI at 100% since" is taken from an explicit `ociFullSince` field when the OCI stack exports
// one, else derived from the cutover history: the start of the unbroken run of events, at the
// end of the history, in which AWS had weight 0 and OCI carried traffic. The history keeps only
// the last 60 events, so when the run fills the whole history its true start is earlier than the
// oldest event kept: the date found is then later than the real one, which can only make the
// guard wait longer, never shorter.
import type { HistoryEvent } from "../cutover/types";

export interface OciStackFacts {
  /** ISO time OCI started carrying all traffic; "" when the OCI stack gives no such record. */
  ociFullSince: string;
  /** The OCI stack's cutover is marked awsDecommissioned (deleting it never routes back to AWS). */
  awsDecommissioned: boolean;
  /** What the OCI stack's outputs lacked, for the reader of the preview ("" when nothing). */
  note: string;
}

function isEvent(value: unknown): value is HistoryEvent {
  const e = value as HistoryEvent;
  return !!e && typeof e.at === "string" && !!e.weights && typeof e.weights.aws === "number" && typeof e.weights.oci === "number";
}

/** Start of the trailing run of events with all traffic on OCI; undefined when the last event is not at 100%. */
export function ociFullSinceFromHistory(history: readonly unknown[]): string | undefined {
  let since: string | undefined;
  for (let i = history.length - 1; i >= 0; i--) {
    const event = history[i];
    if (!isEvent(event)) break;
    if (event.weights.aws !== 0 || event.weights.oci <= 0) break;
    since = event.at;
  }
  return since;
}

/** Facts from the OCI stack's `cutover` output (undefined when the stack exports none). */
export function ociStackFacts(cutover: unknown): OciStackFacts {
  if (!cutover || typeof cutover !== "object") {
    return { ociFullSince: "", awsDecommissioned: false, note: "the OCI stack exports no cutover output" };
  }
  const c = cutover as { ociFullSince?: unknown; history?: unknown; awsDecommissioned?: unknown };
  const missing: string[] = [];
  let ociFullSince = "";
  if (typeof c.ociFullSince === "string") {
    ociFullSince = c.ociFullSince;
  } else if (Array.isArray(c.history)) {
    ociFullSince = ociFullSinceFromHistory(c.history) ?? "";
  } else {
    missing.push("cutover.ociFullSince or cutover.history");
  }
  if (typeof c.awsDecommissioned !== "boolean") missing.push("cutover.awsDecommissioned");
  return {
    ociFullSince,
    awsDecommissioned: c.awsDecommissioned === true,
    note: missing.length > 0 ? `the OCI stack exports no ${missing.join(" and no ")}` : "",
  };
}
