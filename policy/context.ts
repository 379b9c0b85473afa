// Where the rules' StackPolicyContext comes from. The stack config is the one source: the plan
// derives the context from it directly; CrossGuard's Node SDK (@pulumi/policy 1.21.0) hands a
// pack no stack config (its configureStack keeps only the stack tags), so the same context goes
// to the pack as policy config (`--policy-pack-config`), written by scripts/policy-config.ts.
import { formatIssues, parseStackConfig, rawConfigFromPulumi } from "../stacks/config/index";
import { roleSchema } from "../stacks/config/role";
import { POLICY_RULES, STRICT_CONTEXT, type StackPolicyContext } from "./rules";

/** JSON schema of each context field, as a policy's configSchema property. */
export const CONTEXT_SCHEMA: Record<keyof StackPolicyContext, { type: "string" | "boolean"; default?: boolean; description: string }> = {
  customerKeyId: { type: "string", description: "tundra:bucket.kmsKeyId: the Vault key the tenant bucket must use" },
  drCustomerKeyId: { type: "string", description: "tundra:dr.kmsKeyId: the Vault key the DR bucket must use" },
  allowPublicLoadBalancer: { type: "boolean", default: false, description: "tundra:loadBalancer.visibility is public" },
  tenantDataRetained: { type: "boolean", default: false, description: "tundra:protection.tenantData is retain (CrossGuard cannot see retainOnDelete)" },
};

/** The context a stack's config (`namespace:key -> string`, as Pulumi hands it over) sets. */
export function policyContextFromStackConfig(all: Record<string, string>): StackPolicyContext {
  const role = roleSchema.safeParse(rawConfigFromPulumi(all).role);
  // The AWS-side stack declares no OCI resources: the strict reading applies to what it has.
  if (role.success && role.data === "aws-side") return STRICT_CONTEXT;
  const result = parseStackConfig(all);
  if (!result.ok) throw new Error(formatIssues(result.issues));
  const { bucket, dr, loadBalancer, protection } = result.config;
  return {
    ...(bucket.kmsKeyId ? { customerKeyId: bucket.kmsKeyId } : {}),
    ...(dr?.kmsKeyId ? { drCustomerKeyId: dr.kmsKeyId } : {}),
    allowPublicLoadBalancer: loadBalancer.visibility === "public",
    tenantDataRetained: protection.tenantData === "retain",
  };
}

export type PolicyPackConfigJson = Record<string, Record<string, unknown>>;

/** The pack's policy config for a context: each policy gets the context fields it reads. */
export function policyPackConfig(ctx: StackPolicyContext): PolicyPackConfigJson {
  return Object.fromEntries(
    POLICY_RULES.filter((rule) => rule.reads.length > 0).map((rule) => [
      rule.name,
      Object.fromEntries(rule.reads.filter((key) => ctx[key] !== undefined).map((key) => [key, ctx[key]])),
    ]),
  );
}

/** The context a policy's config (what `args.getConfig()` returns) describes; absent fields read strictly. */
export function contextFromPolicyConfig(config: Partial<StackPolicyContext>): StackPolicyContext {
  return { ...STRICT_CONTEXT, ...config };
}
