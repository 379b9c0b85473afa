// A whole number in a range, with messages that say what would be valid and what was given: the
// one way resource specs and config sections write such a field (config adds string coercion).
import { z } from "zod";

/** `why` (e.g. " MiB, S3's smallest part") is added to the range messages. */
export function wholeNumber(min: number, max: number, why = "") {
  return z
    .number({ error: (iss) => `must be a whole number from ${min} to ${max} (got ${JSON.stringify(iss.input)})` })
    .int({ error: (iss) => `must be a whole number (got ${iss.input})` })
    .min(min, { error: (iss) => `must be at least ${min}${why} (got ${iss.input})` })
    .max(max, { error: (iss) => `must be at most ${max}${why} (got ${iss.input})` });
}
