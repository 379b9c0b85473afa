// Drives the real dynamic-provider host of @pulumi/pulumi (cmd/dynamic-provider) over gRPC,
// the way the Pulumi engine does, so dynamic providers are tested on the path that runs in
// production: serialized closure -> child process -> gRPC calls with protobuf Structs.
import { ChildProcess, execFile, spawn } from "child_process";
import * as path from "path";
import { isDeepStrictEqual, promisify } from "util";
import type * as grpcTypes from "@grpc/grpc-js";

const execFileAsync = promisify(execFile);

/** The engine's sentinel for a value that is unknown during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export type Props = Record<string, unknown>;

export interface CheckFailure {
  property: string;
  reason: string;
}

/** A failed provider RPC. `partial` is set when the provider recorded partial state. */
export class ProviderCallError extends Error {
  constructor(
    message: string,
    readonly method: string,
    readonly code: number,
    readonly partial?: { id: string; properties: Props; reasons: string[] },
    readonly failures: CheckFailure[] = [],
  ) {
    super(message);
    this.name = "ProviderCallError";
  }
}

export interface DiffResult {
  changes: "none" | "some" | "unknown";
  replaces: string[];
  deleteBeforeReplace: boolean;
}

export interface ProviderHost {
  check(olds: Props, news: Props): Promise<{ inputs: Props; failures: CheckFailure[] }>;
  diff(id: string, olds: Props, news: Props): Promise<DiffResult>;
  create(inputs: Props): Promise<{ id: string; outs: Props }>;
  read(id: string, props: Props): Promise<{ id: string; props: Props; inputs?: Props }>;
  update(id: string, olds: Props, news: Props): Promise<{ outs: Props }>;
  delete(id: string, props: Props): Promise<void>;
  /** Everything the host process printed so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Working directory of the host: requires in serialized code resolve from here. */
  cwd?: string;
  /** Extra environment for the host process (merged over this process's environment). */
  env?: NodeJS.ProcessEnv;
  /** Provider configuration sent with Configure (what `pulumi config` gives a provider). */
  config?: Props;
  /** Deadline for each call; the host sets none of its own. */
  deadlineMs?: number;
}

const projectRoot = path.resolve(__dirname, "..", "..");
const pulumiRoot = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [projectRoot] }));
// The generated code and google-protobuf must be the very instances the host uses.
const grpc: typeof grpcTypes = require(require.resolve("@grpc/grpc-js", { paths: [pulumiRoot] }));
const providerProto = require(path.join(pulumiRoot, "proto", "provider_pb.js"));
const providerRpc = require(path.join(pulumiRoot, "proto", "provider_grpc_pb.js"));
const statusProto = require(path.join(pulumiRoot, "proto", "status_pb.js"));
const structProto = require(require.resolve("google-protobuf/google/protobuf/struct_pb.js", { paths: [pulumiRoot] }));

function toStruct(value: Props): unknown {
  // A JSON round trip drops `undefined`, which protobuf Structs cannot carry (the engine never sends it).
  return structProto.Struct.fromJavaScript(JSON.parse(JSON.stringify(value)));
}

function fromStruct(struct: { toJavaScript(): Props } | undefined): Props {
  return struct ? struct.toJavaScript() : {};
}

function partialFromMetadata(err: grpcTypes.ServiceError): ProviderCallError["partial"] {
  const raw = err.metadata?.get("grpc-status-details-bin")?.[0];
  if (!raw) return undefined;
  const status = statusProto.Status.deserializeBinary(new Uint8Array(raw as Buffer));
  for (const detail of status.getDetailsList()) {
    if (detail.getTypeName() !== "pulumirpc.ErrorResourceInitFailed") continue;
    const failed = providerProto.ErrorResourceInitFailed.deserializeBinary(detail.getValue_asU8());
    return { id: failed.getId(), properties: fromStruct(failed.getProperties()), reasons: failed.getReasonsList() };
  }
  return undefined;
}

async function waitForPort(child: ChildProcess, output: () => string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let buffered = "";
    const timer = setTimeout(() => fail(new Error(`provider host printed no port within ${timeoutMs} ms:\n${output()}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      const newline = buffered.indexOf("\n");
      if (newline < 0) return;
      const port = Number(buffered.slice(0, newline).trim());
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      if (Number.isInteger(port) && port > 0) resolve(port);
      else reject(new Error(`provider host's first line is not a port: ${buffered.slice(0, newline)}`));
    };
    const onExit = (code: number | null) => fail(new Error(`provider host exited with ${code} before listening:\n${output()}`));
    function fail(err: Error) {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      reject(err);
    }
    child.stdout?.on("data", onData);
    child.once("exit", onExit);
  });
}

/** Starts the real dynamic-provider host and sends Configure, as the engine does first. */
export async function startProviderHost(opts: StartOptions = {}): Promise<ProviderHost> {
  const hostScript = path.join(pulumiRoot, "cmd", "dynamic-provider", "index.js");
  const child = spawn(
    process.execPath,
    ["--require", path.join(__dirname, "exit-with-parent.cjs"), hostScript, "127.0.0.1:0"],
    { cwd: opts.cwd ?? projectRoot, env: { ...process.env, ...opts.env }, stdio: ["pipe", "pipe", "pipe"] },
  );
  let printed = "";
  const keep = (chunk: Buffer) => {
    printed += chunk.toString();
    if (printed.length > 1_000_000) printed = printed.slice(-500_000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const output = () => printed;

  let port: number;
  try {
    port = await waitForPort(child, output, 20_000);
  } catch (err) {
    child.kill("SIGKILL");
    throw err;
  }
  const client = new providerRpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const deadlineMs = opts.deadlineMs ?? 300_000;

  function call<T>(method: string, request: unknown): Promise<T> {
    return new Promise((resolve, reject) => {
      client[method](request, { deadline: Date.now() + deadlineMs }, (err: grpcTypes.ServiceError | null, resp: T) => {
        if (!err) return resolve(resp);
        reject(new ProviderCallError(err.details || err.message, method, err.code, partialFromMetadata(err)));
      });
    });
  }

  const configure = new providerProto.ConfigureRequest();
  configure.setArgs(toStruct(opts.config ?? {}));
  configure.setAcceptsecrets(true);
  configure.setAcceptresources(true);
  await call("configure", configure);

  const urn = "urn:pulumi:test::tundra-replatform::pulumi-nodejs:dynamic:Resource::under-test";
  return {
    async check(olds, news) {
      const req = new providerProto.CheckRequest();
      req.setUrn(urn);
      req.setOlds(toStruct(olds));
      req.setNews(toStruct(news));
      const resp = await call<any>("check", req);
      const failures = resp.getFailuresList().map((f: any) => ({ property: f.getProperty(), reason: f.getReason() }));
      return { inputs: fromStruct(resp.getInputs()), failures };
    },
    async diff(id, olds, news) {
      const req = new providerProto.DiffRequest();
      req.setUrn(urn);
      req.setId(id);
      req.setOlds(toStruct(olds));
      req.setNews(toStruct(news));
      const resp = await call<any>("diff", req);
      const kinds = providerProto.DiffResponse.DiffChanges;
      const changes = resp.getChanges() === kinds.DIFF_SOME ? "some" : resp.getChanges() === kinds.DIFF_NONE ? "none" : "unknown";
      return { changes, replaces: resp.getReplacesList(), deleteBeforeReplace: resp.getDeletebeforereplace() };
    },
    async create(inputs) {
      const req = new providerProto.CreateRequest();
      req.setUrn(urn);
      req.setProperties(toStruct(inputs));
      const resp = await call<any>("create", req);
      return { id: resp.getId(), outs: fromStruct(resp.getProperties()) };
    },
    async read(id, props) {
      const req = new providerProto.ReadRequest();
      req.setUrn(urn);
      req.setId(id);
      req.setProperties(toStruct(props));
      const resp = await call<any>("read", req);
      const inputs = resp.getInputs();
      return { id: resp.getId(), props: fromStruct(resp.getProperties()), ...(inputs ? { inputs: fromStruct(inputs) } : {}) };
    },
    async update(id, olds, news) {
      const req = new providerProto.UpdateRequest();
      req.setUrn(urn);
      req.setId(id);
      req.setOlds(toStruct(olds));
      req.setNews(toStruct(news));
      const resp = await call<any>("update", req);
      return { outs: fromStruct(resp.getProperties()) };
    },
    async delete(id, props) {
      const req = new providerProto.DeleteRequest();
      req.setUrn(urn);
      req.setId(id);
      req.setProperties(toStruct(props));
      await call("delete", req);
    },
    output,
    async stop() {
      client.close();
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Serializes `exportName` of `modulePath` as `new pulumi.dynamic.Resource` would, in a plain
 * Node child process, and returns the `__provider` text.
 */
export async function serializeProvider(modulePath: string, exportName: string): Promise<string> {
  const { stdout } = await execFileAsync(
    process.execPath,
    ["--import", "tsx", path.join(__dirname, "serialize-provider.ts"), path.resolve(projectRoot, modulePath), exportName],
    { cwd: projectRoot, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
  );
  return JSON.parse(stdout).text;
}

/** What the engine keeps in the state for one resource. */
export interface ResourceState {
  id: string;
  inputs: Props;
  outputs: Props;
  /** Reasons of a partial failure; the engine always updates such a resource on the next `up`. */
  initErrors?: string[];
}

export interface UpResult {
  op: "create" | "update" | "same" | "replace";
  checked: Props;
  diff?: DiffResult;
  /** The state after the step; in preview the prior state (undefined for a create). */
  state: ResourceState | undefined;
}

/** The state the engine records when a create or update fails with partial state. */
export function partialState(err: ProviderCallError, inputs: Props): ResourceState {
  if (!err.partial) throw new Error(`the provider recorded no partial state: ${err.message}`);
  return { id: err.partial.id, inputs, outputs: err.partial.properties, initErrors: err.partial.reasons };
}

/** One resource's step in `pulumi up` (or `pulumi preview` with `preview: true`). */
export async function up(
  host: ProviderHost,
  provider: string,
  prior: ResourceState | undefined,
  inputs: Props,
  opts: { preview?: boolean } = {},
): Promise<UpResult> {
  const news = { ...inputs, __provider: provider };
  const checkResult = await host.check(prior?.inputs ?? {}, news);
  if (checkResult.failures.length > 0) {
    const text = checkResult.failures.map((f) => `${f.property}: ${f.reason}`).join("; ");
    throw new ProviderCallError(`check failed: ${text}`, "check", 0, undefined, checkResult.failures);
  }
  const checked = checkResult.inputs;
  if (!prior) {
    if (opts.preview) return { op: "create", checked, state: undefined };
    const created = await host.create(checked);
    return { op: "create", checked, state: { id: created.id, inputs: checked, outputs: created.outs } };
  }

  const diff = await host.diff(prior.id, prior.outputs, checked);
  // Without an answer from the provider, the engine compares old and new inputs itself.
  const changed =
    diff.changes === "some" ||
    (diff.changes === "unknown" && !isDeepStrictEqual(prior.inputs, checked)) ||
    (prior.initErrors?.length ?? 0) > 0;
  if (!changed) return { op: "same", checked, diff, state: { ...prior, inputs: checked } };

  if (diff.replaces.length > 0) {
    if (opts.preview) return { op: "replace", checked, diff, state: prior };
    if (diff.deleteBeforeReplace) await host.delete(prior.id, prior.outputs);
    const created = await host.create(checked);
    if (!diff.deleteBeforeReplace) await host.delete(prior.id, prior.outputs);
    return { op: "replace", checked, diff, state: { id: created.id, inputs: checked, outputs: created.outs } };
  }

  if (opts.preview) return { op: "update", checked, diff, state: prior };
  const updated = await host.update(prior.id, prior.outputs, checked);
  return { op: "update", checked, diff, state: { id: prior.id, inputs: checked, outputs: updated.outs } };
}

/** `pulumi refresh` for one resource: an empty id means the resource is gone. */
export async function refresh(host: ProviderHost, state: ResourceState): Promise<ResourceState | undefined> {
  const result = await host.read(state.id, state.outputs);
  if (!result.id) return undefined;
  return { id: result.id, inputs: result.inputs ?? state.inputs, outputs: result.props };
}

/** `pulumi destroy` for one resource. */
export async function destroy(host: ProviderHost, state: ResourceState): Promise<void> {
  await host.delete(state.id, state.outputs);
}
