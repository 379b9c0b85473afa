// Field types shared by the config sections. Messages say what would be valid; the section
// and key are added by the parser (`tundra:<section>.<path>: <message>`).
import { z } from "zod";
import { isCidrError, parseCidr } from "./cidr";
import { lookupRegion } from "../../components/oci/regions";
import { wholeNumber } from "../../components/common/whole-number";

/** Numbers may arrive as strings (`pulumi config set --path tundra:cluster.nodeCount 3`). */
export function numeric(schema: z.ZodNumber) {
  return z.preprocess((v) => (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v), schema);
}

export function integer(min: number, max: number) {
  return numeric(wholeNumber(min, max));
}

export function decimal(min: number, max: number) {
  return numeric(
    z
      .number({ error: (iss) => `must be a number from ${min} to ${max} (got ${JSON.stringify(iss.input)})` })
      .min(min, { error: (iss) => `must be at least ${min} (got ${iss.input})` })
      .max(max, { error: (iss) => `must be at most ${max} (got ${iss.input})` }),
  );
}

export const boolean = z.preprocess(
  (v) => (v === "true" ? true : v === "false" ? false : v),
  z.boolean({ error: (iss) => `must be true or false (got ${JSON.stringify(iss.input)})` }),
);

export function text(pattern: RegExp, expected: string) {
  return z
    .string({ error: (iss) => `must be a string: ${expected} (got ${JSON.stringify(iss.input)})` })
    .regex(pattern, { error: (iss) => `must be ${expected} (got ${JSON.stringify(iss.input)})` });
}

/** An OCID of the given resource types, e.g. `ocid1.compartment.oc1..aaaa...`. */
export function ocid(...types: string[]) {
  const pattern = new RegExp(`^ocid1\\.(${types.join("|")})\\.oc\\d+\\.[a-z0-9-]*\\.[a-z0-9]+$`);
  return text(pattern, `an OCID of type ${types.join(" or ")} (ocid1.${types[0]}.oc1..<unique id>)`);
}

export const cidr = z
  .string({ error: (iss) => `must be an IPv4 CIDR string such as 10.0.0.0/16 (got ${JSON.stringify(iss.input)})` })
  .superRefine((value, ctx) => {
    const parsed = parseCidr(value);
    if (isCidrError(parsed)) ctx.addIssue({ code: "custom", message: parsed.error });
  });

export const ociRegion = z
  .string({ error: (iss) => `must be an OCI region identifier such as us-ashburn-1 (got ${JSON.stringify(iss.input)})` })
  .superRefine((value, ctx) => {
    const found = lookupRegion(value);
    if (!("error" in found)) return;
    // Region identifiers are lower case with no spaces: say which one was meant.
    const normalised = value.trim().toLowerCase().replace(/\s+/g, "-");
    const meant = normalised !== value && !("error" in lookupRegion(normalised)) ? normalised : undefined;
    const how = value.trim() !== value || /\s/.test(value) ? "has spaces" : "is not in lower case";
    ctx.addIssue({ code: "custom", message: meant ? `"${value}" ${how}: use ${meant}` : found.error });
  });

/** Freeform tag map: OCI allows keys up to 100 and values up to 256 characters. */
export const tagMap = z.record(
  text(/^[A-Za-z0-9_.\-]{1,100}$/, "a tag key of 1-100 letters, digits, '.', '_' or '-'"),
  z.string().max(256, { error: "tag values are at most 256 characters" }),
);
