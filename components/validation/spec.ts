// What one pre-cutover validation run checks. The Pulumi program writes it as JSON into the
// command's environment; the CLI parses it here, so a bad spec fails with the field named.
import { z } from "zod";

/** The environment variable that carries the spec (JSON) to scripts/validate.ts. */
export const SPEC_ENV = "TUNDRA_VALIDATION_SPEC";

/** One query compared on both sides; the stack config uses the same schema. */
export const parityQuerySchema = z.strictObject({
  name: z.string().min(1),
  path: z.string().startsWith("/", "must be a path starting with /"),
  method: z.enum(["GET", "POST"]).default("GET"),
  body: z.string().optional(),
});

export const validationSpecSchema = z
  .strictObject({
    tenant: z.string().min(1),
    /** The data generation (DataSync manifest digest) this validation vouches for. */
    generation: z.string().min(1),
    parity: z
      .strictObject({
        awsUrl: z.url(),
        ociUrl: z.url(),
        hostHeader: z.string().min(1).optional(),
        timeoutMs: z.number().int().positive().default(10_000),
        queries: z.array(parityQuerySchema).min(1, "list at least one query to compare"),
      })
      .optional(),
  })
  .refine((spec) => spec.parity !== undefined, { message: "configure at least one check (parity)" });

export type ValidationSpec = z.infer<typeof validationSpecSchema>;
export type ValidationSpecInput = z.input<typeof validationSpecSchema>;

export function parseValidationSpec(raw: unknown): { ok: true; spec: ValidationSpec } | { ok: false; errors: string[] } {
  const result = validationSpecSchema.safeParse(raw);
  if (result.success) return { ok: true, spec: result.data };
  return { ok: false, errors: result.error.issues.map((i) => `${i.path.join(".") || "(spec)"}: ${i.message}`) };
}
