// Secrets in an offline plan: a stack file's `secure:` values (`pulumi config set --secret`) are
// never decrypted. Each is replaced by a placeholder and its key is handed to Pulumi as secret,
// so the program marks every input it flows into as secret and the plan shows `[secret]`.
//
// The placeholder must pass the config schema wherever the value has a shape:
// - an encrypted field (`--secret --path tundra:awsSide.syncRunner.externalId`): the first of
//   LEAF_PLACEHOLDERS the schema accepts at that key (plain text, then a URL);
// - a whole structured key encrypted at once (`--secret tundra:validation '<json>'`): no
//   string is an object of the section's shape, so WHOLE_KEY_PLACEHOLDERS holds a minimal valid
//   value per section that is commonly encrypted whole. Any other whole section is refused with
//   the way out (encrypt only its sensitive fields), rather than planned with a made-up shape.
import { SECTIONS, parseStackConfig, parseStackConfigWith, withPath, type ConfigIssue } from "../../stacks/config";
import { parseAwsSideConfig } from "../../stacks/config/aws-side";

export const SECRET_PLACEHOLDER = "secret-placeholder";
export const LEAF_PLACEHOLDERS = [SECRET_PLACEHOLDER, `https://${SECRET_PLACEHOLDER}.invalid/`];

/** Minimal values of tundra:validation's schema (stacks/config/validation.ts). */
export const WHOLE_KEY_PLACEHOLDERS: Record<string, unknown> = {
  "tundra:validation": { awsUrl: `https://${SECRET_PLACEHOLDER}.invalid/`, queries: [{ name: SECRET_PLACEHOLDER, path: `/${SECRET_PLACEHOLDER}` }] },
};

export interface StackConfigWithSecrets {
  /** `namespace:key -> string`, as Pulumi hands config to a program, secrets as placeholders. */
  config: Record<string, string>;
  /** The keys that hold a `secure:` value (whole or inside), for `setAllConfig(config, secretKeys)`. */
  secretKeys: string[];
}

type Path = (string | number)[];

function isSecure(value: unknown): value is { secure: string } {
  return value !== null && typeof value === "object" && !Array.isArray(value) && "secure" in value;
}

/** Paths of the `secure:` values inside a structured value. */
function securePaths(value: unknown, path: Path = []): Path[] {
  if (isSecure(value)) return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => securePaths(v, [...path, i]));
  if (value !== null && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => securePaths(v, [...path, k]));
  return [];
}

function withLeaf(value: unknown, path: Path, leaf: string): unknown {
  if (path.length === 0) return leaf;
  const [head, ...rest] = path;
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
  copy[head] = withLeaf(copy[head], rest, leaf);
  return copy;
}

const isUnder = (issue: ConfigIssue, key: string) => issue.key === key || issue.key.startsWith(`${key}.`) || issue.key.startsWith(`${key}[`);

/** Replaces the `secure:` values of a stack file's `config:` with placeholders (see the header). */
export function withSecretPlaceholders(doc: Record<string, unknown>): StackConfigWithSecrets {
  const secretKeys: string[] = [];
  const leaves: { key: string; path: Path; choice: number }[] = [];
  const structured: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc)) {
    const paths = securePaths(value);
    if (paths.length === 0) {
      structured[key] = value;
      continue;
    }
    secretKeys.push(key);
    if (paths[0].length === 0 && key in WHOLE_KEY_PLACEHOLDERS) {
      structured[key] = WHOLE_KEY_PLACEHOLDERS[key];
    } else if (paths[0].length === 0 && key.startsWith("tundra:") && key.slice("tundra:".length) in SECTIONS && key !== "tundra:role") {
      throw new Error(
        `${key} is encrypted as a whole; the offline plan never decrypts and has no placeholder of this section's shape. ` +
          `Encrypt only its sensitive fields instead: pulumi config set --secret --path ${key}.<field> <value>`,
      );
    } else {
      structured[key] = value;
      leaves.push(...paths.map((path) => ({ key, path, choice: 0 })));
    }
  }

  const render = (): Record<string, string> => {
    const values = { ...structured };
    for (const leaf of leaves) values[leaf.key] = withLeaf(values[leaf.key], leaf.path, LEAF_PLACEHOLDERS[leaf.choice]);
    return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
  };
  // Each encrypted field takes the first placeholder its schema accepts.
  for (let attempt = 1; attempt < LEAF_PLACEHOLDERS.length && leaves.length > 0; attempt++) {
    const issues = configIssues(render());
    const refused = leaves.filter((leaf) => leaf.choice === attempt - 1 && issues.some((i) => isUnder(i, withPath(leaf.key, leaf.path))));
    if (refused.length === 0) break;
    for (const leaf of refused) leaf.choice = attempt;
  }
  return { config: render(), secretKeys };
}

function configIssues(config: Record<string, string>): ConfigIssue[] {
  const awsSide = config["tundra:role"] === "aws-side";
  const result = awsSide ? parseStackConfigWith(config, parseAwsSideConfig) : parseStackConfig(config);
  return result.ok ? [] : result.issues;
}
