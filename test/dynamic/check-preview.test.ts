import { describe, expect, it } from "vitest";
import { z } from "zod";
import { checkAgainst, parsedWhereKnown } from "../../components/dynamic/check";
import { UNKNOWN } from "../../components/dynamic/unknown";

// A schema that accepts the unknown marker (a string) and transforms it, as a prefix field does.
const schema = z.object({
  prefix: z.string().transform((p) => (p.endsWith("/") ? p : `${p}/`)),
  concurrency: z.number().int().default(16),
  region: z.string().optional(),
});

describe("check during preview", () => {
  it("returns no parsed inputs while an input is unknown, even when the schema would accept (and mangle) the marker", () => {
    const checked = checkAgainst(schema, { prefix: UNKNOWN, concurrency: 4 });
    expect(checked).toEqual({ failures: [] });
  });

  it("parsedWhereKnown fills the defaults and normalises every known input, and leaves unknown ones as sent", () => {
    expect(parsedWhereKnown(schema, { prefix: "data", concurrency: UNKNOWN, __provider: "p" })).toEqual({ prefix: "data/", concurrency: UNKNOWN, __provider: "p" });
    expect(parsedWhereKnown(schema, { prefix: UNKNOWN })).toEqual({ prefix: UNKNOWN, concurrency: 16 });
  });

  it("parsedWhereKnown keeps an invalid known input as sent (check reports it)", () => {
    expect(parsedWhereKnown(schema, { prefix: 7, concurrency: 1.5 })).toEqual({ prefix: 7, concurrency: 1.5 });
  });
});
