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

/** Validates `news` with `schema`; failures name the property; unknown values are skipped. */
export function checkAgainst<S extends z.ZodType>(schema: S, news: unknown): Checked<z.output<S>> {
  const parsed = schema.safeParse(news);
  if (parsed.success) return { inputs: parsed.data, failures: [] };
  const failures = parsed.error.issues
    .filter((issue) => !touchesUnknown(news, issue.path))
    .map((issue) => ({ property: dotted(issue.path), reason: issue.message }));
  return { failures };
}
