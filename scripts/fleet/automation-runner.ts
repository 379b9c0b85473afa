// The real TenantRunner: the Pulumi Automation API (LocalWorkspace) on the project directory,
// one stack per tenant. Thin on purpose: the rollout logic (components/fleet) is tested with a
// scripted runner; this only maps the engine's events and outputs to stage, bytes and share.
// Needs the Pulumi CLI and the backend login on the machine that runs it.
import type { automation } from "@pulumi/pulumi";
import type { FleetTenant } from "../../components/fleet/fleet-file";
import type { TenantRunner, TenantRunResult } from "../../components/fleet/runner";
import type { Operation } from "../../components/fleet/state";

/** The stages of the tenant program in the order `pulumi up` reaches them (stacks/stages.ts). */
export const STAGES = ["foundation", "dataSync", "hydration", "validation", "cutover"] as const;

/** Which stage a resource belongs to, from its URN (type chain and name as the program declares them). */
export function stageOfUrn(urn: string): (typeof STAGES)[number] | undefined {
  // urn:pulumi:<stack>::<project>::<parent types$type>::<name>
  const [, , typeChain = "", name = ""] = urn.split("::");
  if (/-cutover$/.test(name)) return "cutover";
  if (typeChain.includes("tundra:validation:PreCutoverValidation")) return "validation";
  if (name === "hydration") return "hydration";
  if (/-data-sync$/.test(name)) return "dataSync";
  if (/tundra:oci:(TundraCluster|TenantNetwork|TenantBucket|TundraIdentity)$/.test(typeChain)) return "foundation";
  return undefined;
}

/** The furthest stage of the two. */
export function furthest(a: string | null, b: string): string {
  return a === null || STAGES.indexOf(b as never) > STAGES.indexOf(a as never) ? b : a;
}

/** Bytes synced and OCI share from the stack outputs (`dataSync.totalBytes`, `cutover.ociPercent`). */
export function resultFromOutputs(outputs: Record<string, { value: unknown }>): Pick<TenantRunResult, "bytesSynced" | "ociPercent"> {
  const dataSync = outputs.dataSync?.value as { totalBytes?: unknown } | undefined;
  const cutover = outputs.cutover?.value as { ociPercent?: unknown } | undefined;
  return {
    bytesSynced: typeof dataSync?.totalBytes === "number" ? dataSync.totalBytes : null,
    ociPercent: typeof cutover?.ociPercent === "number" ? cutover.ociPercent : null,
  };
}

export class AutomationRunner implements TenantRunner {
  constructor(private readonly workDir: string, private readonly log: (stack: string, line: string) => void = () => {}) {}

  async run(tenant: FleetTenant, operation: Operation, onStage: (stage: string) => void): Promise<TenantRunResult> {
    // `@pulumi/pulumi/automation` is not an export path under nodenext: take it from the root.
    const { LocalWorkspace } = (await import("@pulumi/pulumi")).automation;
    let stage: string | null = null;
    const onEvent = (event: automation.EngineEvent) => {
      const urn = event.resOutputsEvent?.metadata.urn;
      const found = urn ? stageOfUrn(urn) : undefined;
      if (found && furthest(stage, found) !== stage) {
        stage = found;
        onStage(found);
      }
    };
    const onOutput = (line: string) => this.log(tenant.stack, line.trimEnd());
    try {
      const stack = await LocalWorkspace.selectStack({ stackName: tenant.stack, workDir: this.workDir });
      if (operation === "preview") await stack.preview({ onEvent, onOutput, diff: true, color: "never" });
      else if (operation === "refresh") await stack.refresh({ onEvent, onOutput, color: "never" });
      else await stack.up({ onEvent, onOutput, color: "never" });
      const outputs = operation === "preview" ? {} : await stack.outputs();
      return { ok: true, stageReached: stage, ...resultFromOutputs(outputs) };
    } catch (err) {
      const message = (err as Error).message ?? String(err);
      return { ok: false, stageReached: stage, bytesSynced: null, ociPercent: null, error: message.split("\n").filter((l) => l.trim()).slice(0, 6).join("\n") };
    }
  }
}
