// One `pulumi up` of the rehearsal stack, in its own process (the Pulumi runtime is process-global):
// the real tenant program under Pulumi's mocks, where the cloud providers' resources are answered
// by scripts/plan/mocks.ts (as `npm run plan` does) and every dynamic resource goes through the
// real dynamic-provider host exactly as the engine calls it: Check, then Create, or Diff and
// Update against the state of the run before. The @pulumi/command validation is run as the
// command provider runs it. Started by scripts/rehearse/run.ts with an IPC channel.
import { spawn } from "child_process";
import * as fs from "fs";
import { isDeepStrictEqual } from "util";
import * as pulumi from "@pulumi/pulumi";
import { createPlanMocks, isDynamicType } from "../plan/mocks";
import { PROJECT, readStackFile } from "../plan/run";
import runStack from "../../stacks/index";
import { partialState, ProviderCallError, startProviderHost, up, type ProviderHost, type ResourceState } from "../../test/support/provider-host";
import type { StageName, UpEvent, UpReply, UpRequest } from "./protocol";

const send = (event: UpEvent) => new Promise<void>((resolve) => process.send!(event, () => resolve()));

/** The engine strips secret wrappers before it calls a provider (its Configure says acceptSecrets=false). */
function reveal(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reveal);
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (o[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) return reveal(o.value);
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined).map(([k, v]) => [k, reveal(v)]));
  }
  return value;
}

/** The stage of a resource, told by the inputs its type declares (names change with refactors, inputs less so). */
export function stageOf(inputs: Record<string, unknown>): StageName {
  if ("source" in inputs && "destination" in inputs && "generation" in inputs) return "dataSync";
  if ("nodes" in inputs && "generation" in inputs) return "hydration";
  if ("zoneId" in inputs && "recordName" in inputs && "targetOciPercent" in inputs) return "cutover";
  return "other";
}


/** @pulumi/command's local.Command create: `/bin/sh -c <create>` in `dir` with `environment`; non-zero exit fails. */
function runLocalCommand(inputs: Record<string, any>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("/bin/sh", ["-c", String(inputs.create)], {
      cwd: inputs.dir ?? process.cwd(),
      env: { ...process.env, ...(inputs.environment ?? {}) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

function waitForReply(name: string): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (m: UpReply) => {
      if (m.type === "instanceStarted" && m.name === name) {
        process.off("message", onMessage);
        resolve();
      }
    };
    process.on("message", onMessage);
  });
}

async function main(): Promise<void> {
  const request = JSON.parse(fs.readFileSync(process.argv[2], "utf8")) as UpRequest;
  const { config, secretKeys } = readStackFile(request.stackFile);
  const state: Record<string, ResourceState> = fs.existsSync(request.stateFile) ? JSON.parse(fs.readFileSync(request.stateFile, "utf8")) : {};
  const saveState = () => fs.writeFileSync(request.stateFile, JSON.stringify(state, null, 2));

  // What the engine gives the dynamic-provider host: the stack's config (full keys) in Configure,
  // and the project's name, by which `config.get("route53Endpoint")` means `tundra-replatform:route53Endpoint`.
  const host: ProviderHost = await startProviderHost({ env: { ...request.hostEnv, PULUMI_NODEJS_PROJECT: PROJECT, PULUMI_NODEJS_STACK: request.stack }, config, deadlineMs: 600_000 });
  // `pulumi up` stops at the first failed resource: the state of what finished is kept (saved
  // after every resource), nothing after it runs.
  const stop = async (): Promise<never> => {
    await host.stop();
    process.exit(1);
  };

  const region = JSON.parse(config["tundra:tenant"] ?? "{}").region as string | undefined;
  const base = createPlanMocks({
    region,
    outputs: {
      // The stand-in load balancer listens on 127.0.0.1 (the listener port is the stack's config).
      "oci:LoadBalancer/loadBalancer:LoadBalancer": () => ({ ipAddressDetails: [{ ipAddress: "127.0.0.1", isPublic: false }] }),
      // What OCI reports for a UHP volume on a multipath attachment (the stand-in nodes' volumes are directories).
      "oci:Core/volumeAttachment:VolumeAttachment": () => ({ isMultipath: true }),
    },
  });

  async function dynamic(args: pulumi.runtime.MockResourceArgs): Promise<{ id: string; state: Record<string, any> }> {
    const { __provider: provider, ...raw } = reveal(args.inputs) as Record<string, any>;
    const stage = stageOf(raw);
    const prior = state[args.name];
    const started = Date.now();
    await send({ type: "step", stage, resource: args.name, phase: "start", op: prior ? "update" : "create" });
    try {
      const result = await up(host, provider, prior, raw);
      state[args.name] = result.state!;
      saveState();
      await send({ type: "step", stage, resource: args.name, phase: "end", op: result.op, seconds: (Date.now() - started) / 1000, outputs: result.state!.outputs });
      // The agent bundle upload (told by its inputs): the nodes' boot-time fetchers can run now.
      if ("objectName" in raw && "sha256" in raw && "size" in raw) await send({ type: "agentBundle", objectName: String(raw.objectName) });
      return { id: result.state!.id, state: result.state!.outputs };
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      let outputs: Record<string, unknown> | undefined;
      if (err instanceof ProviderCallError && err.partial) {
        state[args.name] = partialState(err, { ...raw, __provider: provider });
        outputs = err.partial.properties;
        saveState();
      }
      await send({ type: "failed", stage, resource: args.name, reason, outputs });
      return stop();
    }
  }

  const mocks: pulumi.runtime.Mocks = {
    call: (args) => base.call(args),
    async newResource(args) {
      if (isDynamicType(args.type) && args.inputs.__provider) return dynamic(args);
      const answer = await base.newResource(args);
      if (args.type === "command:local:Command") {
        const inputs = reveal(args.inputs) as Record<string, any>;
        const resource = args.name;
        const stage: StageName = resource.includes("validation") ? "validation" : "other";
        const prior = state[resource];
        // @pulumi/command runs `create` again only when an input (the triggers included) changed.
        if (prior && isDeepStrictEqual(prior.inputs, inputs)) {
          await send({ type: "step", stage, resource, phase: "start", op: "same" });
          await send({ type: "step", stage, resource, phase: "end", op: "same", seconds: 0, outputs: prior.outputs });
          return { id: prior.id, state: { ...answer.state, ...prior.outputs } };
        }
        const started = Date.now();
        await send({ type: "step", stage, resource, phase: "start", op: "create" });
        const run = await runLocalCommand(inputs);
        if (run.code !== 0) {
          await send({ type: "failed", stage, resource, reason: `exit ${run.code}`, outputs: { stdout: run.stdout, stderr: run.stderr } });
          return stop();
        }
        state[resource] = { id: String(answer.id), inputs, outputs: { stdout: run.stdout, stderr: run.stderr } };
        saveState();
        await send({ type: "step", stage, resource, phase: "end", op: prior ? "update" : "create", seconds: (Date.now() - started) / 1000, outputs: { stdout: run.stdout } });
        return { id: answer.id, state: { ...answer.state, stdout: run.stdout, stderr: run.stderr } };
      }
      if (args.type === "oci:Core/instance:Instance") {
        const userData = Buffer.from(String((args.inputs.metadata as Record<string, string> | undefined)?.user_data ?? ""), "base64").toString("utf8");
        await send({ type: "instance", name: args.name, displayName: String(args.inputs.displayName ?? args.name), userData });
        await waitForReply(args.name);
      }
      return answer;
    },
  };

  pulumi.runtime.setAllConfig(config, secretKeys);
  await pulumi.runtime.setMocks(mocks, PROJECT, request.stack, false);
  let outputs: Record<string, unknown> = {};
  let failure: unknown;
  try {
    outputs = ((await pulumi.runtime.runInPulumiStack(runStack)) ?? {}) as Record<string, unknown>;
  } catch (err) {
    failure = err;
  } finally {
    await pulumi.runtime.disconnect().catch(() => undefined);
    await host.stop();
  }
  if (failure) {
    await send({ type: "failed", stage: "other", resource: "program", reason: String((failure as Error)?.message ?? failure) });
    process.exit(1);
  }
  await send({ type: "done", resources: base.records.length, outputs: reveal(outputs) as Record<string, unknown> });
  process.exit(0);
}

main().catch(async (err) => {
  await send({ type: "failed", stage: "other", resource: "program", reason: err instanceof Error ? err.stack ?? err.message : String(err) }).catch(() => undefined);
  process.exit(1);
});
