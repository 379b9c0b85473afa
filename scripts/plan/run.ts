// Runs the real tenant program (stacks/index.ts) under Pulumi's mocks with a stack's config
// and returns every resource it declares. Used by scripts/plan.ts and the tests.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { createPlanMocks, isDynamicType, type PlanMocksOptions } from "./mocks";
import { recordRegistrations, type Registration, type ResourceLifecycleOptions } from "./registrations";
import { withSecretPlaceholders, type StackConfigWithSecrets } from "./secrets";
import runStack from "../../stacks/index";
import { missingStackMessage } from "../../stacks/config/stack-files";

export const PROJECT = "tundra-replatform";
export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

export interface PlannedResource {
  type: string;
  name: string;
  /** Name of the parent resource; null for resources at the stack's top level. */
  parent: string | null;
  /**
   * Names of the resources the engine is told this one waits for (explicit dependsOn, components
   * expanded to their children, and property dependencies), sorted; the parent is not repeated.
   */
  dependsOn: string[];
  /** protect / retainOnDelete / deleteBeforeReplace when set: what destroy and a replacement do. */
  options: ResourceLifecycleOptions;
  inputs: Record<string, unknown>;
}

export interface Plan {
  stack: string;
  resources: PlannedResource[];
  /** Values only the plan mocks made up (ids, IPs, the namespace, AD names), sorted: the cloud answers otherwise. */
  mockValues: string[];
}

export type Program = () => Promise<Record<string, unknown>>;

/** The real program: the function stacks/index.ts exports to Pulumi (it dispatches on `tundra:role`). */
export const tenantStackProgram: Program = runStack;

export function stackConfigPath(stack: string, root = PROJECT_ROOT): string {
  return path.join(root, `Pulumi.${stack}.yaml`);
}

/**
 * Stack config as Pulumi hands it to a program: `namespace:key -> string` (objects as JSON),
 * with the keys Pulumi would hold as secret. `secure:` values are never decrypted: each becomes
 * a placeholder of a shape the schema accepts (scripts/plan/secrets.ts).
 */
export function readStackFile(file: string): StackConfigWithSecrets {
  if (!fs.existsSync(file)) throw new Error(missingStackMessage(path.basename(file).replace(/^Pulumi\.|\.ya?ml$/g, ""), path.dirname(file)));
  const doc = (parseYaml(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  return withSecretPlaceholders(doc.config ?? {});
}

/** The config of readStackFile, without the secret keys. */
export function readStackConfig(file: string): Record<string, string> {
  return readStackFile(file).config;
}

const DYNAMIC_PROVIDER_INPUT = "__provider";

/** How the plan shows a value Pulumi holds as secret (as `pulumi preview` does). */
export const SECRET_IN_PLAN = "[secret]";

/** A secret as the mock monitor receives it: `{[specialSigKey]: specialSecretSig, value}`. */
function isSecretValue(value: object): boolean {
  return (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig;
}

/** Deterministic JSON: object keys sorted, `undefined` dropped, secrets shown as [secret]. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object" && isSecretValue(value)) return SECRET_IN_PLAN;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/**
 * Plans one stack with the real tenant program. Pulumi's runtime is process-global: call this
 * once per process (the plan CLI and each vitest file run in their own process).
 */
export async function planStack(
  stack: string,
  config: Record<string, string>,
  mockOptions: Partial<PlanMocksOptions> = {},
  secretKeys: readonly string[] = [],
): Promise<Plan> {
  const { outputs: _outputs, dependsOn: _dependsOn, registrations: _registrations, ...plan } = await planProgram(stack, config, tenantStackProgram, mockOptions, secretKeys);
  return plan;
}

/** What planProgram returns beyond the plan document (for tests). */
export interface PlanDetails {
  outputs: Record<string, unknown>;
  /** The `dependsOn` option each resource was declared with, by name (as written in the program). */
  dependsOn: Record<string, string[]>;
  /** URN -> what the engine would receive: dependencies, property dependencies, parent. */
  registrations: Map<string, Registration>;
}

/**
 * Runs any program under the plan mocks; also returns the stack outputs, the explicit
 * `dependsOn` of each resource by name and the registrations with their dependency edges (for
 * tests; not part of the plan document).
 */
export async function planProgram(
  stack: string,
  config: Record<string, string>,
  program: Program,
  mockOptions: Partial<PlanMocksOptions> = {},
  secretKeys: readonly string[] = [],
): Promise<Plan & PlanDetails> {
  const region = tenantRegion(config);
  const mocks = createPlanMocks({ region, ...mockOptions });
  pulumi.runtime.setAllConfig(config, [...secretKeys]);
  await pulumi.runtime.setMocks(mocks, PROJECT, stack, false);
  const registrations = recordRegistrations();

  const parents = new Map<string, string | null>();
  const names = new Map<pulumi.Resource, string>();
  const dependsOn: Record<string, string[]> = {};
  let outputs: Record<string, unknown> = {};
  try {
    outputs = (await pulumi.runtime.runInPulumiStack(async () => {
      pulumi.runtime.registerStackTransformation((args) => {
        names.set(args.resource, args.name);
        const parent = args.opts.parent;
        const parentName = parent && parent !== pulumi.runtime.getStackResource() ? names.get(parent) ?? null : null;
        parents.set(`${args.type}::${args.name}`, parentName);
        const deps = args.opts.dependsOn;
        if (Array.isArray(deps) && deps.length > 0) dependsOn[args.name] = deps.map((d) => names.get(d as pulumi.Resource) ?? "?");
        // A dynamic resource passes its outputs as undefined props: the mocks answer them as unknown.
        if (isDynamicType(args.type)) {
          mocks.dynamicOutputs.set(`${args.type}::${args.name}`, Object.keys(args.props).filter((k) => args.props[k] === undefined));
        }
        return undefined;
      });
      return program();
    })) ?? {};
  } finally {
    // Let the stack's own output registration finish, as the language host does at exit.
    await pulumi.runtime.disconnect();
  }

  const optionsByName = new Map([...registrations.values()].map((r) => [`${r.type}::${r.name}`, r.options]));
  const edgesByName = new Map([...registrations.values()].map((r) => [`${r.type}::${r.name}`, r]));
  const nameOfUrn = (urn: string) => registrations.get(urn)?.name ?? urn.split("::").pop()!;
  const dependencyNames = (key: string): string[] => {
    const r = edgesByName.get(key);
    if (!r) return [];
    const parent = r.parent ? nameOfUrn(r.parent) : null;
    return [...new Set(r.dependencies.map(nameOfUrn))].filter((n) => n !== parent).sort();
  };
  const resources = mocks.records
    .filter((r) => r.type !== pulumi.runtime.rootPulumiStackTypeName)
    .map((r): PlannedResource => {
      const { [DYNAMIC_PROVIDER_INPUT]: _provider, ...inputs } = r.inputs;
      const key = `${r.type}::${r.name}`;
      return { type: r.type, name: r.name, parent: parents.get(key) ?? null, dependsOn: dependencyNames(key), options: sortKeys(optionsByName.get(key) ?? {}) as ResourceLifecycleOptions, inputs: sortKeys(inputs) as Record<string, unknown> };
    })
    .sort((a, b) => (a.name === b.name ? a.type.localeCompare(b.type) : a.name < b.name ? -1 : 1));
  // Only those that reached an input: the rest would never be shown.
  const inputText = JSON.stringify(resources.map((r) => r.inputs));
  const mockValues = [...mocks.madeUp].filter((v) => inputText.includes(JSON.stringify(v).slice(1, -1))).sort();
  return { stack, resources, mockValues, outputs, dependsOn, registrations };
}

/** The cluster region from `tundra:tenant` (undefined when absent: the program reports it). */
function tenantRegion(config: Record<string, string>): string | undefined {
  try {
    const region = JSON.parse(config["tundra:tenant"] ?? "{}").region;
    return typeof region === "string" ? region : undefined;
  } catch {
    return undefined;
  }
}
