// What the OCI tenant stack tells the guard, read from its stack outputs (through a
// pulumi.StackReference in the AWS-side program): `dataSync` (where the data went, where it came
// from) and `cutover` (the Route53 pair, when OCI took all traffic, whether AWS is marked
// decommissioned). Pure: no Pulumi, so every rule is tested alone.
//
// The AWS-side stack is deployed before the OCI stack syncs or cuts over (its sync-runner role is a
// prerequisite of the sync), so any of these may be absent: an absent output is named in `missing`,
// a present one the guard's own schema (spec.ts) refuses is named in `invalid` with the reason,
// and in both cases the fact is null, never guessed or half taken.
//
// "OCI at 100% since" is taken from an explicit `ociFullSince` field when the OCI stack exports
// one, else derived from the cutover history: the start of the unbroken run of events, at the
// end of the history, in which AWS had weight 0 and OCI carried traffic. The history keeps only
// the last 60 events, so when the run fills the whole history its true start is earlier than the
// oldest event kept: the date found is then later than the real one, which can only make the
// guard wait longer, never shorter.
import type { z } from "zod";
import type { HistoryEvent } from "../cutover/types";
import { destinationSchema, OCI_STACK_OUTPUTS, ociStackSchema, route53Schema, syncedSourceSchema, type CheckedGuardInputs, type GuardInputs } from "./spec";

/** The fields of each OCI stack output that ociStackFacts reads (and nothing else of them). */
export const OCI_STACK_FACT_FIELDS = {
  dataSync: ["destination", "source"],
  cutover: ["route53", "ociFullSince", "history", "awsDecommissioned"],
} as const;

/** The guard's inputs that come from the OCI stack (all but its name, which this stack's config gives). */
export interface OciStackFacts {
  route53: GuardInputs["route53"];
  destination: GuardInputs["destination"];
  ociStack: Omit<CheckedGuardInputs["ociStack"], "name">;
}

/** The OCI stack's outputs the guard reads (as a StackReference gives them: undefined when not exported). */
export interface OciStackOutputs {
  dataSync?: unknown;
  cutover?: unknown;
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

/** One field of an OCI stack output; only the fields OCI_STACK_FACT_FIELDS lists (the program reads no others). */
function field<O extends keyof typeof OCI_STACK_FACT_FIELDS>(outputs: OciStackOutputs, output: O, name: (typeof OCI_STACK_FACT_FIELDS)[O][number]): unknown {
  const value = outputs[output];
  return value && typeof value === "object" ? (value as Record<string, unknown>)[name] : undefined;
}

/** One line per refused field: `zoneId: must be ... (got "x")`. */
function reasonOf(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length > 0 ? `${i.path.join(".")}: ` : ""}${i.message}`).join("; ");
}

/** The guard's inputs from the OCI stack's `dataSync` and `cutover` outputs (each undefined when it exports none). */
export function ociStackFacts(outputs: OciStackOutputs): OciStackFacts {
  const missing: string[] = [];
  const invalid: { output: string; reason: string }[] = [];
  /** A fact as the guard's own schema for it reads it; null (named in missing or invalid) otherwise. */
  const fact = <S extends z.ZodType>(output: string, value: unknown, schema: S): z.output<S> | null => {
    if (value === undefined || value === null) {
      missing.push(output);
      return null;
    }
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    invalid.push({ output, reason: reasonOf(parsed.error) });
    return null;
  };

  const destination = fact(OCI_STACK_OUTPUTS.destination, field(outputs, "dataSync", "destination"), destinationSchema);
  const source = fact(OCI_STACK_OUTPUTS.source, field(outputs, "dataSync", "source"), syncedSourceSchema);
  const route53 = fact(OCI_STACK_OUTPUTS.route53, field(outputs, "cutover", "route53"), route53Schema);
  // An explicit ociFullSince wins; stacks that export only the history have it derived.
  const history = field(outputs, "cutover", "history");
  const exportedSince = field(outputs, "cutover", "ociFullSince");
  const ociFullSince =
    exportedSince === undefined && Array.isArray(history)
      ? ociFullSinceFromHistory(history) ?? ""
      : fact("cutover.ociFullSince", exportedSince, ociStackSchema.shape.ociFullSince) ?? "";
  const awsDecommissioned = fact("cutover.awsDecommissioned", field(outputs, "cutover", "awsDecommissioned"), ociStackSchema.shape.awsDecommissioned) ?? false;
  return { route53, destination, ociStack: { ociFullSince, awsDecommissioned, source, missing, invalid } };
}
