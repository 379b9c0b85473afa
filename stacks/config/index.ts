// The stack config: one zod schema per section (`tundra:<section>` in Pulumi.<stack>.yaml),
// combined here. `parseTenantConfig` is pure (no Pulumi) so scripts and tests use it directly;
// `load.ts` feeds it from the Pulumi stack config. Every problem is reported at once, each
// named by its full key (`tundra:cluster.nodeCount: must be at least 3 in prod (got 2)`).
//
// To add a section: write `stacks/config/<section>.ts` exporting its schema and add one line
// to SECTIONS. Cross-key rules go in rules.ts.
import { z } from "zod";
import { tenantSchema } from "./tenant";
import { ociSchema } from "./oci";
import { networkSchema } from "./network";
import { clusterSchema } from "./cluster";
import { loadBalancerSchema } from "./load-balancer";
import { bucketSchema } from "./bucket";
import { protectionSchema } from "./protection";
import { identitySchema } from "./identity";
import { tagsSchema } from "./tags";
import { drSchema } from "./dr";
import { relocationsSchema } from "./relocations";
import { roleSchema } from "./role";
import { dataSyncSchema } from "./data-sync";
import { hydrationSchema } from "./hydration";
import { cutoverSchema } from "./cutover";
import { validationSchema } from "./validation";
import { endpointsSchema } from "./endpoints";
import { CONFIG_RULES } from "./rules";
import { findCredentials, isCredentialKey, redact, stringLeaves, type CredentialFinding } from "./credentials";
import { nearestName } from "../../components/common/nearest-name";
import { overriddenProviderKeyIssues } from "./provider-keys";

export const CONFIG_NAMESPACE = "tundra";

export const SECTIONS = {
  tenant: tenantSchema,
  oci: ociSchema,
  network: networkSchema,
  cluster: clusterSchema,
  loadBalancer: loadBalancerSchema,
  bucket: bucketSchema,
  protection: protectionSchema,
  identity: identitySchema,
  tags: tagsSchema,
  dr: drSchema,
  relocations: relocationsSchema,
  role: roleSchema,
  dataSync: dataSyncSchema,
  hydration: hydrationSchema,
  validation: validationSchema,
  cutover: cutoverSchema,
  endpoints: endpointsSchema,
} satisfies Record<string, z.ZodType>;

export type SectionName = keyof typeof SECTIONS;
export type TenantConfig = { [K in SectionName]: z.output<(typeof SECTIONS)[K]> };

export interface ConfigIssue {
  /** Full config key, e.g. `tundra:cluster.nodeCount`. */
  key: string;
  message: string;
}

/** What the cross-key rules see: every field that parsed on its own, even in a failed section. */
export type PartialConfig = { [K in SectionName]?: Partial<TenantConfig[K]> };

export type ParseResultOf<T> = { ok: true; config: T } | { ok: false; issues: ConfigIssue[] };
export type ParseResult = ParseResultOf<TenantConfig>;

/** Raw config: section name -> value as written in the stack file (objects, strings, numbers). */
export type RawConfig = Record<string, unknown>;

/** `base` followed by the path: `.name` for keys, `[i]` for list indexes. */
export function withPath(base: string, path: ReadonlyArray<PropertyKey>): string {
  return base + path.map((segment) => (typeof segment === "number" ? `[${segment}]` : `.${String(segment)}`)).join("");
}

export function keyOf(section: string, path: ReadonlyArray<PropertyKey>): string {
  return withPath(`${CONFIG_NAMESPACE}:${section}`, path);
}

/**
 * One issue per zod issue, named by its full key. With the section's `schema` and `value`, an
 * unknown key names the known key nearest it (`nodeCout`: did you mean `nodeCount`?), and that
 * key, absent from the value, is then not also reported as missing: one typo, one message.
 */
export function zodIssues(section: string, error: z.ZodError, schema?: z.ZodType, value?: unknown): ConfigIssue[] {
  const misspelt: string[] = [];
  const unknown = error.issues.flatMap((issue): ConfigIssue[] => {
    if (issue.code !== "unrecognized_keys") return [];
    const known = schema ? objectKeysAt(schema, issue.path) : [];
    const present = valueAt(value, issue.path);
    return issue.keys.map((k) => {
      const near = nearestName(k, known.filter((name) => present === null || typeof present !== "object" || !(name in present)));
      if (near !== undefined) misspelt.push(keyOf(section, [...issue.path, near]));
      return {
        key: keyOf(section, [...issue.path, k]),
        message: near !== undefined
          ? `unknown key: did you mean ${keyOf(section, [...issue.path, near])}?`
          : `unknown key (see docs/foundation.md for the keys of ${keyOf(section, issue.path)})`,
      };
    });
  });
  const others = error.issues
    .filter((issue) => issue.code !== "unrecognized_keys")
    .map((issue) => ({ key: keyOf(section, issue.path), message: issue.message }))
    .filter((issue) => !misspelt.some((key) => issue.key === key || issue.key.startsWith(`${key}.`) || issue.key.startsWith(`${key}[`)));
  return [...unknown, ...others];
}

/** The keys an object schema declares at `path` (through defaults, optionals, arrays, records). */
function objectKeysAt(schema: z.ZodType, path: ReadonlyArray<PropertyKey>): string[] {
  let current: z.ZodType | undefined = unwrapped(schema);
  for (const segment of path) {
    if (current instanceof z.ZodObject) current = (current.shape as Record<string, z.ZodType>)[String(segment)];
    else if (current instanceof z.ZodArray) current = current.element as z.ZodType;
    else if (current instanceof z.ZodRecord) current = current.valueType as z.ZodType;
    else return [];
    current = current && unwrapped(current);
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

function unwrapped(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (;;) {
    if (s instanceof z.ZodDefault || s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap() as z.ZodType;
    else if (s instanceof z.ZodPipe) s = (s.in instanceof z.ZodTransform ? s.out : s.in) as z.ZodType;
    else return s;
  }
}

function valueAt(value: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  return path.reduce<unknown>((v, segment) => (v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[segment] : undefined), value);
}

/** Validates a whole tenant config. Pure: no Pulumi, no I/O. */
export function parseTenantConfig(raw: RawConfig): ParseResult {
  const issues: ConfigIssue[] = [];
  const parsed: Record<string, unknown> = {};
  const partial: Record<string, unknown> = {};

  const misspeltSections = new Set<string>();
  for (const name of Object.keys(raw)) {
    if (!(name in SECTIONS)) {
      const near = nearestName(name, Object.keys(SECTIONS).filter((s) => !(s in raw)));
      if (near !== undefined) misspeltSections.add(near);
      issues.push({
        key: `${CONFIG_NAMESPACE}:${name}`,
        message: near !== undefined
          ? `unknown config key: did you mean ${CONFIG_NAMESPACE}:${near}?`
          : `unknown config key (known: ${Object.keys(SECTIONS).map((s) => `${CONFIG_NAMESPACE}:${s}`).join(", ")})`,
      });
    }
  }
  const credentials = findCredentials(raw);
  issues.push(...credentialIssues(credentials));

  const sectionIssues: ConfigIssue[] = [];
  for (const name of Object.keys(SECTIONS) as SectionName[]) {
    const schema: z.ZodType = SECTIONS[name];
    const value = raw[name];
    const result = schema.safeParse(value);
    if (result.success) {
      parsed[name] = partial[name] = result.data;
    } else if (value === undefined) {
      if (!misspeltSections.has(name)) sectionIssues.push({ key: keyOf(name, []), message: `is required: add a ${keyOf(name, [])} object to the stack's Pulumi.<stack>.yaml` });
    } else {
      sectionIssues.push(...zodIssues(name, result.error, schema, value));
      partial[name] = validFields(schema, value);
    }
  }

  // A rule's message about a key replaces the field's own (nodeCount 0 in prod: "at least 3 in
  // prod", not "at least 1" now and "at least 3" on the next try).
  const ruleIssues = CONFIG_RULES.flatMap((rule) => rule(partial as PartialConfig, raw));
  issues.push(...sectionIssues.filter((i) => !ruleIssues.some((r) => r.key === i.key)), ...ruleIssues);

  if (issues.length > 0) return { ok: false, issues: withoutValues(dedupe(issues), credentials) };
  return { ok: true, config: parsed as TenantConfig };
}

/** One issue per refused credential, named by its full key. */
export function credentialIssues(findings: CredentialFinding[]): ConfigIssue[] {
  return findings.map(({ path, reason }) => ({ key: keyOf(path[0] as string, path.slice(1)), message: reason }));
}

/**
 * The issues with the refused credentials' values redacted: zod's message for the same field
 * (or a cross-key rule's) may quote the value (`must be ... (got "-----BEGIN ...")`).
 */
export function withoutValues(issues: ConfigIssue[], findings: CredentialFinding[]): ConfigIssue[] {
  const values = findings.flatMap((f) => stringLeaves(f.value));
  return values.length === 0 ? issues : issues.map((i) => ({ ...i, message: redact(i.message, values) }));
}

/** The fields of an object section that are valid on their own (for the cross-key rules). */
function validFields(schema: z.ZodType, value: unknown): Record<string, unknown> | undefined {
  const inner = schema instanceof z.ZodDefault ? schema.unwrap() : schema;
  if (!(inner instanceof z.ZodObject) || value === null || typeof value !== "object") return undefined;
  const fields: Record<string, unknown> = {};
  for (const [key, fieldSchema] of Object.entries(inner.shape as Record<string, z.ZodType>)) {
    const result = fieldSchema.safeParse((value as Record<string, unknown>)[key]);
    if (result.success) fields[key] = result.data;
  }
  return fields;
}

export function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const id = `${i.key}\u0000${i.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** The report printed for an invalid config: one line per problem. */
export function formatIssues(issues: ConfigIssue[]): string {
  return [`Invalid stack config (${issues.length} problem${issues.length === 1 ? "" : "s"}):`, ...issues.map((i) => `  ${i.key}: ${i.message}`)].join("\n");
}

/**
 * Validates a stack's whole config as Pulumi stores it (`namespace:key -> string`): the
 * `tundra:*` sections, and no credentials under any other namespace either (the explicit OCI
 * providers never read `oci:privateKey` and the like, so such a value is only a leak).
 */
export function parseStackConfig(all: Record<string, string>, secretKeys: ReadonlySet<string> = new Set()): ParseResult {
  return parseStackConfigWith(all, parseTenantConfig, secretKeys);
}

/**
 * The same checks for any role's parser (e.g. the AWS-side stack's, stacks/config/aws-side.ts).
 * `secretKeys`: the keys set with `pulumi config set --secret` (full keys, e.g.
 * `tundra:validation`); their values are redacted from every message, like credentials.
 */
export function parseStackConfigWith<T>(
  all: Record<string, string>,
  parse: (raw: RawConfig) => ParseResultOf<T>,
  secretKeys: ReadonlySet<string> = new Set(),
): ParseResultOf<T> {
  const foreignFindings: CredentialFinding[] = [];
  const foreign: ConfigIssue[] = Object.entries(all)
    .filter(([key]) => !key.startsWith(`${CONFIG_NAMESPACE}:`))
    .flatMap(([key, text]) => {
      const name = key.slice(key.indexOf(":") + 1);
      const findings: CredentialFinding[] = isCredentialKey(name) ? [{ path: [], value: text, reason: "credentials never go in stack config (see docs/foundation.md, \"Authentication\")" }] : findCredentials(parseConfigValue(text));
      foreignFindings.push(...findings);
      return findings.map((f) => ({ key: withPath(key, f.path), message: f.reason }));
    });
  foreign.push(...overriddenProviderKeyIssues(all));
  const result = parse(rawConfigFromPulumi(all));
  if (foreign.length === 0 && result.ok) return result;
  const secrets: CredentialFinding[] = [...secretKeys].filter((key) => key in all).map((key) => ({ path: [], value: parseConfigValue(all[key]), reason: "" }));
  return { ok: false, issues: withoutValues([...foreign, ...(result.ok ? [] : result.issues)], [...foreignFindings, ...secrets]) };
}

/**
 * Raw config from `namespace:key -> string` pairs as Pulumi stores them (structured values are
 * JSON text). Keys of other namespaces (e.g. `aws:region`) are ignored.
 */
export function rawConfigFromPulumi(all: Record<string, string>): RawConfig {
  const raw: RawConfig = {};
  for (const [fullKey, text] of Object.entries(all)) {
    const [namespace, name] = fullKey.split(":", 2);
    if (namespace !== CONFIG_NAMESPACE || !name) continue;
    raw[name] = parseConfigValue(text);
  }
  return raw;
}

/** A config value as Pulumi stores it: JSON text for structured values, else the string itself. */
export function parseConfigValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
