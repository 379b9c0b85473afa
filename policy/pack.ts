// The rules of policy/rules.ts as CrossGuard policies. Each policy reads its part of the stack
// context from its policy config (policy/context.ts). During preview a value that is not known
// yet (an output of another resource) makes the SDK's property proxy throw; the SDK then reports
// the policy as not run for that resource, and it runs again in `pulumi up` with the real values.
import type { PolicyConfigSchema, PolicyResourceOptions, ReportViolation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { CONTEXT_SCHEMA, contextFromPolicyConfig } from "./context";
import { POLICY_RULES, type PolicyResource, type PolicyRule, type StackPolicyContext } from "./rules";

export const PACK_NAME = "tundra";

interface CrossGuardResource {
  type: string;
  name: string;
  urn: string;
  props: Record<string, any>;
  opts: PolicyResourceOptions;
}

/** CrossGuard's view of a resource as the rules' shape: retainOnDelete is not sent to policies. */
export function toPolicyResource(r: CrossGuardResource, props: Record<string, unknown> = r.props): PolicyResource {
  return { type: r.type, name: r.name, props, options: { protect: r.opts.protect === true } };
}

/**
 * A plain copy of the props without the values the proxy refuses (unknown during preview): the
 * key-material scan walks every input, and an unknown value cannot hold a literal key.
 */
export function knownProps(value: unknown): any {
  if (value === null || typeof value !== "object") return value;
  const out: any = Array.isArray(value) ? [] : {};
  for (const key of Object.keys(value)) {
    let v: unknown;
    try {
      v = (value as Record<string, unknown>)[key];
    } catch {
      continue;
    }
    out[key] = knownProps(v);
  }
  return out;
}

function configSchema(rule: PolicyRule): PolicyConfigSchema | undefined {
  if (rule.reads.length === 0) return undefined;
  return { properties: Object.fromEntries(rule.reads.map((key) => [key, CONTEXT_SCHEMA[key]])) };
}

/** Rules that walk every input, not named fields. */
const WALKS_ALL_INPUTS = new Set(["no-key-material-in-inputs"]);

function toPolicy(rule: PolicyRule): ResourceValidationPolicy | StackValidationPolicy {
  const base = { name: rule.name, description: rule.description, enforcementLevel: "mandatory" as const, configSchema: configSchema(rule) };
  const context = (args: { getConfig<T extends object>(): T }) => contextFromPolicyConfig(args.getConfig<Partial<StackPolicyContext>>());
  if (rule.checkStack) {
    const checkStack = rule.checkStack;
    return {
      ...base,
      validateStack: (args, report: ReportViolation) => {
        const urns = new Map(args.resources.map((r) => [r.name, r.urn]));
        for (const f of checkStack(args.resources.map((r) => toPolicyResource(r)), context(args))) {
          report(f.message, f.resource ? urns.get(f.resource) : undefined);
        }
      },
    };
  }
  const checkResource = rule.checkResource!;
  return {
    ...base,
    validateResource: (args, report: ReportViolation) => {
      const resource = toPolicyResource(args, WALKS_ALL_INPUTS.has(rule.name) ? knownProps(args.props) : args.props);
      for (const message of checkResource(resource, context(args))) report(message);
    },
  };
}

export const TUNDRA_POLICIES = POLICY_RULES.map(toPolicy);
