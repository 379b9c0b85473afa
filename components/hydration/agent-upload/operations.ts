// What the AgentBundleUpload dynamic provider does: the Operations contract
// (components/dynamic/operations.ts). create/update build the agent bundle here, in the provider
// host, from the checkout (buildAgentBundle), refuse a bundle other than the one the program
// planned (its SHA-256 is the input), and upload it through the transfer engine's OCI store with
// a verified MD5, like every put of the engine. provider.ts names this module; nothing here is
// serialized into the state.
import * as crypto from "crypto";
import { Readable } from "stream";
import type * as pulumi from "@pulumi/pulumi";
import { checkAgainst } from "../../dynamic/check";
import type { ConfigReader, Props } from "../../dynamic/operations";
import type { StateVersions } from "../../dynamic/state-version";
import { withTimeout } from "../../dynamic/timeout";
import { ociAuthFromStack } from "../../oci-auth";
import { OciStore, type OciAuth } from "../../transfer/oci-store";
import { DEFAULT_RETRY, withRetry } from "../../transfer/retry";
import { buildAgentBundle } from "../agent/bundle";
import { inputsSchema, type AgentBundleUploadInputs, type AgentBundleUploadOutputs } from "./spec";

/** What `configure` read: the credentials of `pulumi up`, as for the Hydration (components/oci-auth.ts), never inputs or state. */
export interface Settings {
  oci: OciAuth;
}

export const resourceName = "AgentBundleUpload";

/** A new resource: every state it writes carries schemaVersion 1. */
export const stateVersions: StateVersions = { current: 1, migrations: {} };

export function settingsFrom(config: ConfigReader, env: NodeJS.ProcessEnv): Settings {
  return { oci: ociAuthFromStack(config, env) };
}

/** The whole upload (1.45 MB, retried) may take this long before `pulumi up` fails with what it waited for. */
const UPLOAD_TIMEOUT_MS = 5 * 60_000;
const LOOKUP_TIMEOUT_MS = 60_000;
/** Inputs that name another object: a replacement (create the new, then delete the old). */
const REPLACE_KEYS = ["namespace", "bucket", "region", "objectName"] as const;
const SHA256_METADATA = "sha256";

function inputsOf(props: Props): AgentBundleUploadInputs {
  const { inputs, failures } = checkAgainst(inputsSchema, pick(props));
  if (!inputs) throw new Error(`AgentBundleUpload: invalid inputs: ${failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
  return inputs;
}

function pick(props: Props): Props {
  const { namespace, bucket, region, objectName, sha256, size, endpoint } = props;
  return { namespace, bucket, region, objectName, sha256, size, ...(endpoint !== undefined && endpoint !== "" ? { endpoint } : {}) };
}

function storeFor(inputs: AgentBundleUploadInputs, settings: Settings): OciStore {
  return new OciStore({
    bucket: inputs.bucket,
    namespace: inputs.namespace,
    region: inputs.region,
    // The endpoint is an input (tundra:endpoints.ociObjectStorage), as for the Hydration and the DataSync.
    ...(inputs.endpoint !== undefined ? { endpoint: inputs.endpoint } : {}),
    auth: settings.oci,
  });
}

export async function check(_olds: Props, news: Props, _settings: Settings): Promise<pulumi.dynamic.CheckResult> {
  const { inputs, failures } = checkAgainst(inputsSchema, pick(news));
  return { inputs: inputs ?? pick(news), failures };
}

/** `call` under the engine's retry policy (transient errors: resets, 429, 5xx), within `ms`. */
function retried<T>(call: () => Promise<T>, ms: number, what: string): Promise<T> {
  return withTimeout(withRetry(call, DEFAULT_RETRY), ms, what);
}

/** Whether the object is in the bucket with the content this resource uploaded. */
async function intact(store: OciStore, props: Props): Promise<boolean> {
  const head = await retried(() => store.head(props.objectName), LOOKUP_TIMEOUT_MS, `looking up ${store.description}${props.objectName}`);
  return head !== undefined && head.md5 === props.md5 && head.size === props.size && head.metadata[SHA256_METADATA] === props.sha256;
}

export async function diff(_id: string, olds: Props, news: Props, settings: Settings): Promise<pulumi.dynamic.DiffResult> {
  const replaces = REPLACE_KEYS.filter((k) => olds[k] !== news[k]);
  if (replaces.length > 0) return { changes: true, replaces: [...replaces], deleteBeforeReplace: false };
  if (olds.sha256 !== news.sha256 || olds.size !== news.size) return { changes: true, replaces: [], deleteBeforeReplace: false };
  if (REPLACE_KEYS.some((k) => typeof news[k] !== "string")) return { changes: false };
  // Same object, same bundle: upload again only if the object is gone or holds something else
  // (deleted by hand, or by the removal of the StorageObject that held it before; docs/hydration.md).
  // A failed look-up changes nothing: `pulumi refresh` (read) says it with the service's error.
  try {
    return { changes: !(await intact(storeFor(inputsOf(news), settings), olds)) };
  } catch (err) {
    process.stderr.write(`[tundra:hydration] AgentBundleUpload: could not look up ${olds.objectName}: ${(err as Error).message}\n`);
    return { changes: false };
  }
}

/** Builds the bundle here, refuses one that is not the planned one, uploads it with a verified MD5. */
async function upload(inputs: AgentBundleUploadInputs, settings: Settings): Promise<AgentBundleUploadOutputs> {
  const bundle = buildAgentBundle();
  const body = Buffer.from(bundle.script, "utf8");
  if (bundle.sha256 !== inputs.sha256 || body.length !== inputs.size) {
    throw new Error(
      `AgentBundleUpload: the agent bundle built by the provider host (sha256 ${bundle.sha256}, ${body.length} bytes, from ${process.cwd()}) ` +
        `is not the one the program planned (sha256 ${inputs.sha256}, ${inputs.size} bytes), which the nodes' user data pins: ` +
        `the checkout (or node_modules) running the provider host differs from the one that ran the program. ` +
        `Run \`pulumi up\` from one checkout, with \`npm ci\` from its lockfile; nothing was uploaded.`,
    );
  }
  const md5 = crypto.createHash("md5").update(body).digest("hex");
  const store = storeFor(inputs, settings);
  const what = `uploading the agent bundle to ${store.description}${inputs.objectName}`;
  const put = () => store.put(inputs.objectName, Readable.from([body]), { size: body.length, md5, metadata: { [SHA256_METADATA]: inputs.sha256 } });
  const stored = await retried(put, UPLOAD_TIMEOUT_MS, what);
  // The service checked Content-MD5 on the way in; its opc-content-md5 says what it stored.
  if (stored.md5 !== md5) {
    // Left in place, an unverified object would pass for the bundle (read checks the MD5 recorded here, but nodes only the SHA-256).
    const fate = await retried(() => store.delete(inputs.objectName), LOOKUP_TIMEOUT_MS, `deleting ${inputs.objectName}`).then(
      () => "The unverified object was deleted.",
      (err) => `Deleting the unverified object failed (${(err as Error).message}): delete it by hand.`,
    );
    throw new Error(
      `AgentBundleUpload: ${store.description}${inputs.objectName}: the service reported ${stored.md5 === undefined ? "no MD5" : `MD5 ${stored.md5}`} ` +
        `for what it stored, not the bundle's ${md5}: the upload is not verified. ${fate} ${store.hint("stored-md5-missing") ?? ""}`.trim(),
    );
  }
  return { ...inputs, md5, schemaVersion: stateVersions.current };
}

function idOf(inputs: AgentBundleUploadInputs): string {
  return `${inputs.namespace}/${inputs.bucket}/${inputs.objectName}`;
}

export async function create(inputs: Props, settings: Settings): Promise<pulumi.dynamic.CreateResult> {
  const checked = inputsOf(inputs);
  return { id: idOf(checked), outs: await upload(checked, settings) };
}

export async function update(_id: string, _olds: Props, news: Props, settings: Settings): Promise<pulumi.dynamic.UpdateResult> {
  return { outs: await upload(inputsOf(news), settings) };
}

/** Refresh: an object that is gone, or holds other content, is gone (the next `up` uploads it again). */
export async function read(id: string, props: Props, settings: Settings): Promise<pulumi.dynamic.ReadResult> {
  if (!(await intact(storeFor(inputsOf(props), settings), props))) return { id: "", props: {} };
  return { id, props };
}

export async function remove(_id: string, props: Props, settings: Settings): Promise<void> {
  const inputs = inputsOf(props);
  const store = storeFor(inputs, settings);
  await retried(() => store.delete(inputs.objectName), LOOKUP_TIMEOUT_MS, `deleting ${store.description}${inputs.objectName}`);
}
