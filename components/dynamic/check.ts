// `check` for every dynamic resource: the resource's zod schema (its spec.ts) applied to the
// inputs field by field. During preview an input may be unknown (UNKNOWN): a problem at or
// under an unknown value is not a problem yet; the engine checks again with the real value
// before create or update.
import type { z } from "zod";
import { UNKNOWN, isUnknown } from "./unknown";

/** One refused input, as the engine prints it: `property: reason`. */
export interface CheckFailure {
  property: string;
  reason: string;
}

export interface Checked<T> {
  /** The parsed inputs; undefined when some input is unknown (then `raw` is what check returns). */
  inputs?: T;
  failures: CheckFailure[];
}

function dotted(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i > 0 ? "." : ""}${String(p)}`)).join("") || "(inputs)";
}

/** Whether the value at `path` in `root`, or any value on the way to it, is unknown. */
function touchesUnknown(root: unknown, path: ReadonlyArray<PropertyKey>): boolean {
  let value: unknown = root;
  for (const segment of path) {
    if (value === UNKNOWN) return true;
    if (!value || typeof value !== "object") return false;
    value = (value as Record<PropertyKey, unknown>)[segment as string];
  }
  return isUnknown(value);
}

export interface CheckOptions {
  /**
   * The schema is built to carry unknown values through untouched (the InstanceRelocation's
   * preview schema, whose preview names what is known after apply): its parsed inputs are
   * returned even while some are unknown.
   */
  carriesUnknowns?: boolean;
}

/** Validates `news` with `schema`; failures name the property; unknown values are skipped. */
export function checkAgainst<S extends z.ZodType>(schema: S, news: unknown, options: CheckOptions = {}): Checked<z.output<S>> {
  const parsed = schema.safeParse(news);
  // A schema may accept the unknown marker itself (it is a string) and even transform it (a prefix
  // gains a "/"): parsed inputs are only returned when nothing is unknown, as documented above,
  // unless the schema says it carries unknowns through.
  if (parsed.success) return isUnknown(news) && !options.carriesUnknowns ? { failures: [] } : { inputs: parsed.data, failures: [] };
  const failures = parsed.error.issues
    .filter((issue) => !touchesUnknown(news, issue.path))
    .map((issue) => ({ property: dotted(issue.path), reason: issue.message }));
  return { failures };
}

/**
 * For preview, when `checkAgainst` returned no inputs because some are unknown: `news` with each
 * top-level input that is known and valid replaced by its parsed value (defaults filled,
 * normalised), the others as sent. diff then compares like with like, and a default or a
 * normalised prefix does not show up as a change (or a replacement) next to the unknown.
 */
export function parsedWhereKnown(schema: z.ZodObject, news: Record<string, unknown>): Record<string, unknown> {
  const parsed: Record<string, unknown> = { ...news };
  for (const [key, field] of Object.entries(schema.shape)) {
    if (isUnknown(news[key])) continue;
    const result = (field as z.ZodType).safeParse(news[key]);
    if (result.success && result.data !== undefined) parsed[key] = result.data;
  }
  return parsed;
}
