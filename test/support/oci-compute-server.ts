// A test double of one OCI region's Compute and Work Requests API (iaas, /20160918) plus the
// Object Storage calls an image export/import needs (namespace, HEAD/DELETE object, read-only
// pre-authenticated requests). Shapes follow the public API as the oci-core, oci-workrequests and
// oci-objectstorage 2.139.1 clients read them; every request except a PAR download must carry a
// valid OCI signature. Long operations return a work request whose status advances with the clock
// (ACCEPTED -> IN_PROGRESS -> SUCCEEDED/FAILED/CANCELED); failures can be injected per operation.
import * as crypto from "crypto";
import * as http from "http";
import type { AddressInfo } from "net";
import { verifyOciRequest } from "./oci-signature";

export type AsyncOp = "CreateImage" | "ExportImage" | "ImportImage" | "LaunchInstance" | "TerminateInstance";
export type Op =
  | AsyncOp
  | "GetImage" | "ListImages" | "DeleteImage" | "GetInstance" | "ListInstances" | "GetWorkRequest" | "ListWorkRequestErrors"
  | "GetNamespace" | "HeadObject" | "ListObjects" | "DeleteObject" | "CreatePreauthenticatedRequest"
  | "DeletePreauthenticatedRequest" | "ParRead";

/** What an injected failure does to the next call of an operation. */
export type Failure =
  /** The API call itself answers an error. */
  | { kind: "http"; status: number; code: string; message: string }
  /** The call is accepted; its work request then ends FAILED or CANCELED with this error. */
  | { kind: "workRequest"; status: "FAILED" | "CANCELED"; message: string; code?: string }
  /** The call is accepted; its work request stays IN_PROGRESS forever. */
  | { kind: "stall" }
  /** The call is carried out, but the connection drops before the answer (a lost response). */
  | { kind: "lostResponse" }
  /** ExportImage only: the work request succeeds but no object is written (Oracle: the export failed). */
  | { kind: "noEffect" }
  /** The server reads the request and never answers (a silent connection). */
  | { kind: "hang" };

export interface ServerCall {
  op: Op | "Unknown";
  method: string;
  path: string;
  status: number;
  body?: unknown;
}

interface WorkRequestRecord {
  id: string;
  operationType: AsyncOp;
  compartmentId: string;
  entityType: "image" | "instance";
  identifier: string;
  accepted: number;
  durationMs: number;
  failure?: Failure;
  finished: boolean;
  finalStatus?: "SUCCEEDED" | "FAILED" | "CANCELED";
  errors: { code: string; message: string; timestamp: string }[];
  /** Applied once when the work request finishes; may turn success into failure (import reads). */
  complete: (succeeded: boolean) => Promise<string | undefined>;
}

export interface ImageRecord {
  id: string;
  compartmentId: string;
  displayName: string;
  lifecycleState: "PROVISIONING" | "IMPORTING" | "AVAILABLE" | "EXPORTING" | "DISABLED" | "DELETED";
  operatingSystem: string;
  operatingSystemVersion: string;
  launchMode: string;
  baseImageId?: string;
  sourceInstanceId?: string;
  sizeInMBs: number;
  timeCreated: string;
  freeformTags: Record<string, string>;
}

export interface InstanceRecord {
  id: string;
  compartmentId: string;
  availabilityDomain: string;
  displayName: string;
  shape: string;
  shapeConfig?: { ocpus: number; memoryInGBs: number };
  imageId?: string;
  subnetId?: string;
  nsgIds?: string[];
  lifecycleState: "PROVISIONING" | "RUNNING" | "STOPPED" | "CREATING_IMAGE" | "TERMINATING" | "TERMINATED";
  timeCreated: string;
  freeformTags: Record<string, string>;
  /** As LaunchInstance took them (validated like the API does) and GetInstance returns them. */
  definedTags?: Record<string, Record<string, unknown>>;
  agentConfig?: AgentConfig;
  instanceOptions?: { areLegacyImdsEndpointsDisabled?: boolean };
  metadata?: Record<string, string>;
  extendedMetadata?: Record<string, unknown>;
}

export interface AgentConfig {
  isMonitoringDisabled?: boolean;
  isManagementDisabled?: boolean;
  areAllPluginsDisabled?: boolean;
  pluginsConfig?: { name: string; desiredState: "ENABLED" | "DISABLED" }[];
}

/** LaunchInstanceDetails: "The combined size of the metadata and extendedMetadata objects can be a maximum of 32,000 bytes." */
export const MAX_METADATA_BYTES = 32_000;

interface ParRecord {
  id: string;
  token: string;
  name: string;
  bucket: string;
  objectName: string;
  accessType: string;
  timeExpires: number;
  timeCreated: string;
}

export interface OciComputeServerOptions {
  /** Region id this server plays, e.g. "us-ashburn-1". */
  region: string;
  /** Public keys (by keyId) whose signatures are accepted. */
  keys: ReadonlyMap<string, crypto.KeyObject>;
  namespace?: string;
  /** Buckets that exist in this region's namespace. */
  buckets?: string[];
  availabilityDomains?: string[];
  /** How long each kind of work request takes (ms of the server's clock). */
  durationsMs?: Partial<Record<AsyncOp, number>>;
  now?: () => number;
  /** The server closes itself after this long, so a crashed test cannot leave it running. */
  lifetimeMs?: number;
}

export interface OciComputeServer {
  readonly endpoint: string;
  readonly region: string;
  readonly namespace: string;
  readonly availabilityDomains: string[];
  readonly calls: ServerCall[];
  readonly images: Map<string, ImageRecord>;
  readonly instances: Map<string, InstanceRecord>;
  /** Objects by "bucket/name" (content is a small marker naming the exported image). */
  readonly objects: Map<string, Buffer>;
  readonly pars: Map<string, ParRecord>;
  /** The next call of `op` fails this way (queued: several injections apply in order). */
  inject(op: Op, failure: Failure): void;
  addInstance(fields: Partial<InstanceRecord> & { compartmentId: string; shape: string }): InstanceRecord;
  /** Lets every stalled work request finish (it completes at the next request, as if it had taken its normal time). */
  releaseStalled(): void;
  /** Calls whose operation is `op` (convenience for assertions on the call log). */
  count(op: Op): number;
  close(): Promise<void>;
}

const API = "/20160918";

class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

function ocid(kind: string, region: string): string {
  return `ocid1.${kind}.oc1.${region}.aaaa${crypto.randomBytes(12).toString("hex")}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export async function startOciComputeServer(opts: OciComputeServerOptions): Promise<OciComputeServer> {
  const region = opts.region;
  const namespace = opts.namespace ?? "tundratest";
  const buckets = new Set(opts.buckets ?? []);
  const upper = region.toUpperCase();
  const availabilityDomains = opts.availabilityDomains ?? [1, 2, 3].map((n) => `Uocm:${upper}-AD-${n}`);
  const now = opts.now ?? Date.now;
  const durations: Record<AsyncOp, number> = {
    CreateImage: 300, ExportImage: 300, ImportImage: 300, LaunchInstance: 300, TerminateInstance: 200,
    ...opts.durationsMs,
  };

  const calls: ServerCall[] = [];
  const images = new Map<string, ImageRecord>();
  const instances = new Map<string, InstanceRecord>();
  const objects = new Map<string, Buffer>();
  const pars = new Map<string, ParRecord>();
  const workRequests = new Map<string, WorkRequestRecord>();
  const injected = new Map<Op, Failure[]>();
  const retryTokens = new Map<string, { status: number; body: unknown; headers: Record<string, string> }>();

  function takeFailure(op: Op): Failure | undefined {
    const queue = injected.get(op);
    return queue?.shift();
  }

  function startWorkRequest(
    operationType: AsyncOp, compartmentId: string, entityType: "image" | "instance", identifier: string,
    failure: Failure | undefined, complete: WorkRequestRecord["complete"],
  ): WorkRequestRecord {
    const wr: WorkRequestRecord = {
      id: ocid("coreservicesworkrequest", region), operationType, compartmentId, entityType, identifier,
      accepted: now(), durationMs: durations[operationType], failure, finished: false, errors: [], complete,
    };
    workRequests.set(wr.id, wr);
    return wr;
  }

  // Work requests finish lazily, when anything is read after their time has come.
  async function advance(): Promise<void> {
    for (const wr of workRequests.values()) {
      if (wr.finished || wr.failure?.kind === "stall" || now() - wr.accepted < wr.durationMs) continue;
      wr.finished = true;
      const injectedFailure = wr.failure?.kind === "workRequest" ? wr.failure : undefined;
      const problem = await wr.complete(!injectedFailure);
      if (injectedFailure) {
        wr.finalStatus = injectedFailure.status;
        wr.errors.push({ code: injectedFailure.code ?? "InternalError", message: injectedFailure.message, timestamp: iso(now()) });
      } else if (problem) {
        wr.finalStatus = "FAILED";
        wr.errors.push({ code: "InvalidParameter", message: problem, timestamp: iso(now()) });
      } else {
        wr.finalStatus = "SUCCEEDED";
      }
    }
  }

  function workRequestJson(wr: WorkRequestRecord) {
    const elapsed = now() - wr.accepted;
    const acceptedFor = Math.min(50, wr.durationMs / 4);
    const status = wr.finished ? wr.finalStatus! : elapsed < acceptedFor ? "ACCEPTED" : "IN_PROGRESS";
    const percent = wr.finished ? 100 : Math.min(99, Math.floor((elapsed / wr.durationMs) * 100));
    return {
      id: wr.id,
      operationType: wr.operationType,
      status,
      compartmentId: wr.compartmentId,
      resources: [{
        entityType: wr.entityType,
        actionType: wr.finished ? (wr.finalStatus === "SUCCEEDED" ? "CREATED" : "RELATED") : "IN_PROGRESS",
        identifier: wr.identifier,
        entityUri: `${API}/${wr.entityType === "image" ? "images" : "instances"}/${wr.identifier}`,
      }],
      percentComplete: percent,
      timeAccepted: iso(wr.accepted),
      ...(status !== "ACCEPTED" ? { timeStarted: iso(wr.accepted + acceptedFor) } : {}),
      ...(wr.finished ? { timeFinished: iso(wr.accepted + wr.durationMs) } : {}),
    };
  }

  function imageJson(image: ImageRecord) {
    const { sourceInstanceId: _source, ...fields } = image;
    return { ...fields, createImageAllowed: true, listingType: "NONE", billableSizeInGBs: Math.ceil(image.sizeInMBs / 1024) };
  }

  function instanceJson(instance: InstanceRecord) {
    return {
      ...instance,
      region,
      launchMode: "PARAVIRTUALIZED",
      sourceDetails: instance.imageId ? { sourceType: "image", imageId: instance.imageId } : undefined,
      shapeConfig: instance.shapeConfig
        ? { ocpus: instance.shapeConfig.ocpus, memoryInGBs: instance.shapeConfig.memoryInGBs, vcpus: instance.shapeConfig.ocpus * 2 }
        : undefined,
    };
  }

  function requireString(body: any, field: string): string {
    const value = field.split(".").reduce((v, k) => (v == null ? v : v[k]), body);
    if (typeof value !== "string" || value === "") throw new ApiError(400, "InvalidParameter", `${field} is required`);
    return value;
  }

  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  const invalid = (message: string) => new ApiError(400, "InvalidParameter", message);

  /**
   * The LaunchInstanceDetails fields a relocated node carries over, checked as the API types them
   * (oci-core LaunchInstanceDetails, LaunchInstanceAgentConfigDetails, InstanceOptions): definedTags
   * a map of namespaces to maps, metadata string values, metadata and extendedMetadata together at
   * most 32,000 bytes, plugin desiredState ENABLED or DISABLED, booleans where booleans go.
   */
  function launchSettings(body: any): Pick<InstanceRecord, "definedTags" | "agentConfig" | "instanceOptions" | "metadata" | "extendedMetadata"> {
    const { definedTags, agentConfig, instanceOptions, metadata, extendedMetadata } = body;
    if (definedTags !== undefined && !(isObject(definedTags) && Object.values(definedTags).every(isObject))) {
      throw invalid("definedTags must map each tag namespace to an object of tag keys and values");
    }
    if (metadata !== undefined && !(isObject(metadata) && Object.values(metadata).every((v) => typeof v === "string"))) {
      throw invalid("metadata must map keys to string values");
    }
    if (extendedMetadata !== undefined && !isObject(extendedMetadata)) throw invalid("extendedMetadata must be an object");
    const metadataBytes = Buffer.byteLength(JSON.stringify(metadata ?? {})) + Buffer.byteLength(JSON.stringify(extendedMetadata ?? {}));
    if (metadataBytes > MAX_METADATA_BYTES) {
      throw invalid(`The combined size of the metadata and extendedMetadata objects can be a maximum of ${MAX_METADATA_BYTES} bytes (got ${metadataBytes})`);
    }
    if (metadata?.user_data !== undefined && !/^[A-Za-z0-9+/]*={0,2}$/.test(metadata.user_data)) throw invalid("metadata.user_data must be base64-encoded");
    if (agentConfig !== undefined) {
      if (!isObject(agentConfig)) throw invalid("agentConfig must be an object");
      for (const flag of ["isMonitoringDisabled", "isManagementDisabled", "areAllPluginsDisabled"]) {
        if (agentConfig[flag] !== undefined && typeof agentConfig[flag] !== "boolean") throw invalid(`agentConfig.${flag} must be a boolean`);
      }
      const plugins = agentConfig.pluginsConfig;
      if (plugins !== undefined && !(Array.isArray(plugins) && plugins.every((p) => isObject(p) && typeof p.name === "string" && (p.desiredState === "ENABLED" || p.desiredState === "DISABLED")))) {
        throw invalid("agentConfig.pluginsConfig entries need a name and a desiredState of ENABLED or DISABLED");
      }
    }
    if (instanceOptions !== undefined && !(isObject(instanceOptions) && ["undefined", "boolean"].includes(typeof instanceOptions.areLegacyImdsEndpointsDisabled))) {
      throw invalid("instanceOptions.areLegacyImdsEndpointsDisabled must be a boolean");
    }
    return {
      ...(definedTags !== undefined ? { definedTags } : {}),
      ...(agentConfig !== undefined ? { agentConfig: agentConfig as AgentConfig } : {}),
      ...(instanceOptions !== undefined ? { instanceOptions } : {}),
      ...(metadata !== undefined ? { metadata } : {}),
      ...(extendedMetadata !== undefined ? { extendedMetadata } : {}),
    };
  }

  function findImage(id: string): ImageRecord {
    const image = images.get(id);
    if (!image) throw new ApiError(404, "NotAuthorizedOrNotFound", `Authorization failed or requested resource not found: image ${id}`);
    return image;
  }

  function findInstance(id: string): InstanceRecord {
    const instance = instances.get(id);
    if (!instance) throw new ApiError(404, "NotAuthorizedOrNotFound", `Authorization failed or requested resource not found: instance ${id}`);
    return instance;
  }

  function requireBucket(ns: string, bucket: string): void {
    if (ns !== namespace) throw new ApiError(404, "NamespaceNotFound", `Either the namespace '${ns}' does not exist or you are not authorized to view it`);
    if (!buckets.has(bucket)) throw new ApiError(404, "BucketNotFound", `Either the bucket named '${bucket}' does not exist in the namespace '${ns}' or you are not authorized to access it`);
  }

  // OCI list pagination: `limit` items per page, and an opaque `opc-next-page` token while more remain.
  function page<T>(items: T[], url: URL): { status: number; body: T[]; headers: Record<string, string> } {
    const limit = Number(url.searchParams.get("limit") ?? 100);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new ApiError(400, "InvalidParameter", "limit must be an integer from 1 to 1000");
    const token = url.searchParams.get("page");
    const start = token ? Number(Buffer.from(token, "base64url").toString()) : 0;
    if (!Number.isInteger(start) || start < 0) throw new ApiError(400, "InvalidParameter", `Invalid page token ${token}`);
    const next: Record<string, string> = start + limit < items.length ? { "opc-next-page": Buffer.from(String(start + limit)).toString("base64url") } : {};
    return { status: 200, body: items.slice(start, start + limit), headers: next };
  }

  /** The list filters every OCI Compute list shares: compartment (required), exact display name, lifecycle state (any case). */
  function listFilter(url: URL): (r: { compartmentId: string; displayName: string; lifecycleState: string }) => boolean {
    const compartmentId = url.searchParams.get("compartmentId");
    if (!compartmentId) throw new ApiError(400, "MissingParameter", "Missing required parameter compartmentId");
    const displayName = url.searchParams.get("displayName");
    const state = url.searchParams.get("lifecycleState")?.toUpperCase();
    return (r) => r.compartmentId === compartmentId && (displayName === null || r.displayName === displayName) && (!state || r.lifecycleState === state);
  }

  /** sortBy TIMECREATED (default, newest first) or DISPLAYNAME (A-Z first); sortOrder overrides the direction. */
  function sorted<T extends { timeCreated: string; displayName: string }>(items: T[], url: URL): T[] {
    const by = url.searchParams.get("sortBy") ?? "TIMECREATED";
    if (by !== "TIMECREATED" && by !== "DISPLAYNAME") throw new ApiError(400, "InvalidParameter", `sortBy must be TIMECREATED or DISPLAYNAME`);
    const order = url.searchParams.get("sortOrder") ?? (by === "TIMECREATED" ? "DESC" : "ASC");
    const key = (x: T) => (by === "TIMECREATED" ? x.timeCreated : x.displayName.toLowerCase());
    return [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0) * (order === "DESC" ? -1 : 1));
  }

  async function readSourceUri(uri: string): Promise<string | undefined> {
    try {
      const response = await fetch(uri, { method: "GET", signal: AbortSignal.timeout(5_000) });
      if (!response.ok) return `The image could not be read from ${uri}: HTTP ${response.status}`;
      const text = await response.text();
      return text.startsWith("OCI-EXPORT ") ? undefined : `The object at ${uri} is not an exported OCI image`;
    } catch (err) {
      return `The image could not be read from ${uri}: ${(err as Error).message}`;
    }
  }

  type Handler = (req: http.IncomingMessage, body: any, match: RegExpMatchArray, url: URL) => Promise<{ status: number; body?: unknown; headers?: Record<string, string> }>;
  const routes: { method: string; pattern: RegExp; op: Op; handler: Handler }[] = [];
  const route = (method: string, pattern: RegExp, op: Op, handler: Handler) => routes.push({ method, pattern, op, handler });

  // --- Compute: images -------------------------------------------------------------------
  route("POST", /^\/20160918\/images$/, "CreateImage", async (_req, body) => {
    const compartmentId = requireString(body, "compartmentId");
    const source = body.imageSourceDetails;
    if (source) return importImage(body, compartmentId, source);
    const failure = takeFailure("CreateImage");
    if (failure?.kind === "http") throw new ApiError(failure.status, failure.code, failure.message);
    const instance = findInstance(requireString(body, "instanceId"));
    if (instance.lifecycleState !== "RUNNING" && instance.lifecycleState !== "STOPPED") {
      throw new ApiError(409, "IncorrectState", `Instance ${instance.id} is ${instance.lifecycleState}; an image can be created only from a RUNNING or STOPPED instance`);
    }
    const image: ImageRecord = {
      id: ocid("image", region), compartmentId, displayName: body.displayName ?? `image-${Date.now()}`,
      lifecycleState: "PROVISIONING", operatingSystem: "Oracle Linux", operatingSystemVersion: "9",
      launchMode: body.launchMode ?? "PARAVIRTUALIZED", baseImageId: instance.imageId, sourceInstanceId: instance.id,
      sizeInMBs: 47694, timeCreated: iso(now()), freeformTags: body.freeformTags ?? {},
    };
    images.set(image.id, image);
    const previousState = instance.lifecycleState;
    instance.lifecycleState = "CREATING_IMAGE";
    const wr = startWorkRequest("CreateImage", compartmentId, "image", image.id, failure, async (ok) => {
      instance.lifecycleState = previousState;
      image.lifecycleState = ok ? "AVAILABLE" : "DELETED";
      return undefined;
    });
    return { status: 200, body: imageJson(image), headers: { "opc-work-request-id": wr.id, etag: crypto.randomUUID() } };
  });

  async function importImage(body: any, compartmentId: string, source: any) {
    const failure = takeFailure("ImportImage");
    if (failure?.kind === "http") throw new ApiError(failure.status, failure.code, failure.message);
    let read: Promise<string | undefined>;
    if (source.sourceType === "objectStorageUri") {
      read = readSourceUri(requireString(source, "sourceUri"));
    } else if (source.sourceType === "objectStorageTuple") {
      const key = `${requireString(source, "bucketName")}/${requireString(source, "objectName")}`;
      requireBucket(requireString(source, "namespaceName"), source.bucketName);
      read = Promise.resolve(objects.has(key) ? undefined : `Object ${key} not found`);
    } else {
      throw new ApiError(400, "InvalidParameter", `imageSourceDetails.sourceType must be objectStorageUri or objectStorageTuple`);
    }
    const image: ImageRecord = {
      id: ocid("image", region), compartmentId, displayName: body.displayName ?? `image-${Date.now()}`,
      lifecycleState: "IMPORTING", operatingSystem: source.operatingSystem ?? "Oracle Linux",
      operatingSystemVersion: source.operatingSystemVersion ?? "9", launchMode: body.launchMode ?? "PARAVIRTUALIZED",
      sizeInMBs: 47694, timeCreated: iso(now()), freeformTags: body.freeformTags ?? {},
    };
    images.set(image.id, image);
    const wr = startWorkRequest("ImportImage", compartmentId, "image", image.id, failure, async (ok) => {
      const problem = ok ? await read : undefined;
      image.lifecycleState = ok && !problem ? "AVAILABLE" : "DELETED";
      return problem;
    });
    return { status: 200, body: imageJson(image), headers: { "opc-work-request-id": wr.id, etag: crypto.randomUUID() } };
  }

  // ListImages: no tag filter exists (Oracle: "The list does not support filtering based on image tags").
  route("GET", /^\/20160918\/images$/, "ListImages", async (_req, _body, _m, url) => {
    const failure = takeFailure("ListImages");
    if (failure?.kind === "http") throw new ApiError(failure.status, failure.code, failure.message);
    const keep = listFilter(url);
    return page(sorted([...images.values()].filter(keep), url).map(imageJson), url);
  });

  route("GET", /^\/20160918\/images\/([^/]+)$/, "GetImage", async (_req, _body, m) => ({ status: 200, body: imageJson(findImage(m[1])) }));

  route("POST", /^\/20160918\/images\/([^/]+)\/actions\/export$/, "ExportImage", async (_req, body, m) => {
    const failure = takeFailure("ExportImage");
    if (failure?.kind === "http") throw new ApiError(failure.status, failure.code, failure.message);
    const image = findImage(m[1]);
    if (image.lifecycleState !== "AVAILABLE") {
      throw new ApiError(409, "IncorrectState", `Image ${image.id} is ${image.lifecycleState}; only an AVAILABLE image can be exported`);
    }
    if (body.destinationType !== "objectStorageTuple") {
      throw new ApiError(400, "InvalidParameter", "this test server supports destinationType objectStorageTuple only");
    }
    const bucket = requireString(body, "bucketName");
    const objectName = requireString(body, "objectName");
    requireBucket(requireString(body, "namespaceName"), bucket);
    image.lifecycleState = "EXPORTING";
    const wr = startWorkRequest("ExportImage", image.compartmentId, "image", image.id, failure, async (ok) => {
      image.lifecycleState = "AVAILABLE";
      if (ok && failure?.kind !== "noEffect") objects.set(`${bucket}/${objectName}`, Buffer.from(`OCI-EXPORT ${image.id} ${body.exportFormat ?? "OCI"}`));
      return undefined;
    });
    return { status: 200, body: imageJson(image), headers: { "opc-work-request-id": wr.id, etag: crypto.randomUUID() } };
  });

  route("DELETE", /^\/20160918\/images\/([^/]+)$/, "DeleteImage", async (_req, _body, m) => {
    const failure = takeFailure("DeleteImage");
    if (failure?.kind === "http") throw new ApiError(failure.status, failure.code, failure.message);
    const image = findImage(m[1]);
    if (image.lifecycleState === "EXPORTING") throw new ApiError(409, "IncorrectState", `Image ${image.id} is being exported and cannot be deleted`);
    image.lifecycleState = "DELETED";
    return { status: 204 };
  });

  // --- Compute: instances ----------------------------------------------------------------
  route("POST", /^\/20160918\/instances$/, "LaunchInstance", async (_req, body) => {
    const failure = takeFailure("LaunchInstance");
    if (failure?.kind === "http") throw new ApiError(failure.status, failure.code, failure.message);
    const compartmentId = requireString(body, "compartmentId");
    const availabilityDomain = requireString(body, "availabilityDomain");
    if (!availabilityDomains.includes(availabilityDomain)) {
      throw new ApiError(400, "InvalidParameter", `Invalid availabilityDomain ${availabilityDomain}; this region has ${availabilityDomains.join(", ")}`);
    }
    const shape = requireString(body, "shape");
    const config = body.shapeConfig;
    if (/\.Flex$/.test(shape)) {
      if (!config) throw new ApiError(400, "InvalidParameter", "Invalid ShapeConfig: null (Cannot launch flexible instance without ShapeConfig)");
      if (!(typeof config.ocpus === "number" && config.ocpus > 0)) throw new ApiError(400, "InvalidParameter", "Invalid ShapeConfig: ocpus must be a positive number");
    } else if (config) {
      throw new ApiError(400, "InvalidParameter", `Shape ${shape} is not a flexible shape; shapeConfig is not allowed`);
    }
    const imageId = body.sourceDetails?.sourceType === "image" ? body.sourceDetails.imageId : body.imageId;
    if (typeof imageId !== "string") throw new ApiError(400, "InvalidParameter", "sourceDetails.imageId is required");
    const image = findImage(imageId);
    if (image.lifecycleState !== "AVAILABLE") throw new ApiError(409, "IncorrectState", `Image ${imageId} is ${image.lifecycleState}, not AVAILABLE`);
    const subnetId = body.createVnicDetails?.subnetId ?? body.subnetId;
    if (typeof subnetId !== "string") throw new ApiError(400, "InvalidParameter", "createVnicDetails.subnetId is required");
    const instance: InstanceRecord = {
      id: ocid("instance", region), compartmentId, availabilityDomain, displayName: body.displayName ?? "instance",
      shape, imageId, subnetId, nsgIds: body.createVnicDetails?.nsgIds ?? [], lifecycleState: "PROVISIONING", timeCreated: iso(now()), freeformTags: body.freeformTags ?? {},
      ...(config ? { shapeConfig: { ocpus: config.ocpus, memoryInGBs: config.memoryInGBs ?? config.ocpus * 16 } } : {}),
      ...launchSettings(body),
    };
    instances.set(instance.id, instance);
    const wr = startWorkRequest("LaunchInstance", compartmentId, "instance", instance.id, failure, async (ok) => {
      instance.lifecycleState = ok ? "RUNNING" : "TERMINATED";
      return undefined;
    });
    return { status: 200, body: instanceJson(instance), headers: { "opc-work-request-id": wr.id, etag: crypto.randomUUID() } };
  });

  route("GET", /^\/20160918\/instances$/, "ListInstances", async (_req, _body, _m, url) => {
    const keep = listFilter(url);
    const ad = url.searchParams.get("availabilityDomain");
    return page(sorted([...instances.values()].filter((i) => keep(i) && (!ad || i.availabilityDomain === ad)), url).map(instanceJson), url);
  });

  route("GET", /^\/20160918\/instances\/([^/]+)$/, "GetInstance", async (_req, _body, m) => ({ status: 200, body: instanceJson(findInstance(m[1])) }));

  route("DELETE", /^\/20160918\/instances\/([^/]+)$/, "TerminateInstance", async (_req, _body, m) => {
    const failure = takeFailure("TerminateInstance");
    if (failure?.kind === "http") throw new ApiError(failure.status, failure.code, failure.message);
    const instance = findInstance(m[1]);
    if (instance.lifecycleState === "TERMINATED") return { status: 204 };
    instance.lifecycleState = "TERMINATING";
    const wr = startWorkRequest("TerminateInstance", instance.compartmentId, "instance", instance.id, failure, async (ok) => {
      if (ok) instance.lifecycleState = "TERMINATED";
      return undefined;
    });
    return { status: 204, headers: { "opc-work-request-id": wr.id } };
  });

  // --- Work requests ---------------------------------------------------------------------
  function findWorkRequest(id: string): WorkRequestRecord {
    const wr = workRequests.get(id);
    if (!wr) throw new ApiError(404, "NotAuthorizedOrNotFound", `Authorization failed or requested resource not found: work request ${id}`);
    return wr;
  }
  route("GET", /^\/20160918\/workRequests\/([^/]+)$/, "GetWorkRequest", async (_req, _body, m) => {
    const failure = takeFailure("GetWorkRequest");
    if (failure?.kind === "http") throw new ApiError(failure.status, failure.code, failure.message);
    return { status: 200, body: workRequestJson(findWorkRequest(m[1])) };
  });
  route("GET", /^\/20160918\/workRequests\/([^/]+)\/errors$/, "ListWorkRequestErrors", async (_req, _body, m) => ({
    status: 200, body: findWorkRequest(m[1]).errors,
  }));

  // --- Object Storage (the subset image export/import uses) ------------------------------
  route("GET", /^\/n\/?$/, "GetNamespace", async () => ({ status: 200, body: namespace }));

  route("HEAD", /^\/n\/([^/]+)\/b\/([^/]+)\/o\/(.+)$/, "HeadObject", async (_req, _body, m) => {
    requireBucket(m[1], m[2]);
    const data = objects.get(`${m[2]}/${decodeURIComponent(m[3])}`);
    if (!data) throw new ApiError(404, "ObjectNotFound", `The object '${decodeURIComponent(m[3])}' was not found in the bucket '${m[2]}'`);
    const md5 = crypto.createHash("md5").update(data).digest("base64");
    return { status: 200, headers: { "content-length": String(data.length), "content-md5": md5, etag: md5 } };
  });

  // ListObjects: names in order from `start`, `limit` per page (default 1000), `nextStartWith` while more remain.
  route("GET", /^\/n\/([^/]+)\/b\/([^/]+)\/o\/?$/, "ListObjects", async (_req, _body, m, url) => {
    requireBucket(m[1], m[2]);
    const prefix = url.searchParams.get("prefix") ?? "";
    const start = url.searchParams.get("start") ?? "";
    const limit = Number(url.searchParams.get("limit") ?? 1000);
    const fields = new Set((url.searchParams.get("fields") ?? "").split(",").filter(Boolean));
    const names = [...objects.keys()].filter((k) => k.startsWith(`${m[2]}/`)).map((k) => k.slice(m[2].length + 1))
      .filter((n) => n.startsWith(prefix) && n >= start).sort();
    const shown = names.slice(0, limit).map((name) => {
      const data = objects.get(`${m[2]}/${name}`)!;
      return { name, ...(fields.has("size") ? { size: data.length } : {}), ...(fields.has("md5") ? { md5: crypto.createHash("md5").update(data).digest("base64") } : {}) };
    });
    return { status: 200, body: { objects: shown, prefixes: [], ...(names.length > limit ? { nextStartWith: names[limit] } : {}) } };
  });

  route("DELETE", /^\/n\/([^/]+)\/b\/([^/]+)\/o\/(.+)$/, "DeleteObject", async (_req, _body, m) => {
    const failure = takeFailure("DeleteObject");
    if (failure?.kind === "http") throw new ApiError(failure.status, failure.code, failure.message);
    requireBucket(m[1], m[2]);
    const key = `${m[2]}/${decodeURIComponent(m[3])}`;
    if (!objects.delete(key)) throw new ApiError(404, "ObjectNotFound", `The object '${decodeURIComponent(m[3])}' was not found in the bucket '${m[2]}'`);
    return { status: 204 };
  });

  route("POST", /^\/n\/([^/]+)\/b\/([^/]+)\/p\/?$/, "CreatePreauthenticatedRequest", async (_req, body, m) => {
    const failure = takeFailure("CreatePreauthenticatedRequest");
    if (failure?.kind === "http") throw new ApiError(failure.status, failure.code, failure.message);
    requireBucket(m[1], m[2]);
    const name = requireString(body, "name");
    const accessType = requireString(body, "accessType");
    const expires = Date.parse(requireString(body, "timeExpires"));
    if (!Number.isFinite(expires) || expires <= now()) throw new ApiError(400, "InvalidParameter", "timeExpires must be a date in the future");
    if (accessType.startsWith("Object") && typeof body.objectName !== "string") {
      throw new ApiError(400, "InvalidParameter", `objectName is required for accessType ${accessType}`);
    }
    const par: ParRecord = {
      id: crypto.randomBytes(24).toString("base64url"), token: crypto.randomBytes(32).toString("base64url"), name,
      bucket: m[2], objectName: body.objectName, accessType, timeExpires: expires, timeCreated: iso(now()),
    };
    pars.set(par.id, par);
    const accessUri = `/p/${par.token}/n/${namespace}/b/${par.bucket}/o/${encodeURIComponent(par.objectName)}`;
    return {
      status: 200,
      body: { id: par.id, name, accessUri, objectName: par.objectName, accessType, timeExpires: iso(expires), timeCreated: par.timeCreated },
    };
  });

  route("DELETE", /^\/n\/([^/]+)\/b\/([^/]+)\/p\/([^/]+)$/, "DeletePreauthenticatedRequest", async (_req, _body, m) => {
    requireBucket(m[1], m[2]);
    if (!pars.delete(decodeURIComponent(m[3]))) throw new ApiError(404, "NotFound", `No pre-authenticated request ${m[3]}`);
    return { status: 204 };
  });

  // A PAR download needs no signature: the token in the path is the credential.
  const parRead: Handler = async (req, _body, m) => {
    const par = [...pars.values()].find((p) => p.token === m[1]);
    const objectName = decodeURIComponent(m[4]);
    if (!par || par.timeExpires <= now() || m[2] !== namespace || par.bucket !== m[3] || par.objectName !== objectName || !par.accessType.includes("Read")) {
      throw new ApiError(404, "NotFound", "The pre-authenticated request does not exist or has expired");
    }
    const data = objects.get(`${par.bucket}/${objectName}`);
    if (!data) throw new ApiError(404, "ObjectNotFound", `The object '${objectName}' was not found in the bucket '${par.bucket}'`);
    return { status: 200, body: req.method === "HEAD" ? undefined : data, headers: { "content-length": String(data.length) } };
  };
  route("GET", /^\/p\/([^/]+)\/n\/([^/]+)\/b\/([^/]+)\/o\/(.+)$/, "ParRead", parRead);
  route("HEAD", /^\/p\/([^/]+)\/n\/([^/]+)\/b\/([^/]+)\/o\/(.+)$/, "ParRead", parRead);

  function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res.statusCode = status;
    res.setHeader("opc-request-id", crypto.randomBytes(8).toString("hex"));
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    if (body === undefined || status === 204) {
      res.end();
      return;
    }
    if (Buffer.isBuffer(body)) {
      res.setHeader("content-type", "application/octet-stream");
      res.end(body);
      return;
    }
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify(body));
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const url = new URL(req.url!, "http://localhost");
      const raw = Buffer.concat(chunks);
      const found = routes.find((r) => r.method === req.method && r.pattern.test(url.pathname));
      const call: ServerCall = { op: found?.op ?? "Unknown", method: req.method!, path: url.pathname, status: 0 };
      calls.push(call);
      try {
        if (!found) throw new ApiError(404, "NotFound", `No route for ${req.method} ${url.pathname}`);
        if (found.op !== "ParRead") {
          const check = verifyOciRequest(req, raw, opts.keys, now());
          if (!check.ok) throw new ApiError(401, "NotAuthenticated", check.reason);
        }
        let body: any = undefined;
        if (raw.length > 0 && String(req.headers["content-type"] ?? "").includes("json")) body = JSON.parse(raw.toString("utf8"));
        call.body = body;
        if (found.op === "CreateImage" && body?.imageSourceDetails) call.op = "ImportImage";
        const token = req.method === "POST" ? req.headers["opc-retry-token"] : undefined;
        const replay = typeof token === "string" ? retryTokens.get(`${url.pathname} ${token}`) : undefined;
        if (replay) {
          call.status = replay.status;
          send(res, replay.status, replay.body, replay.headers);
          return;
        }
        await advance();
        const queue = injected.get(call.op as Op);
        if (queue?.[0]?.kind === "hang") {
          queue.shift();
          call.status = -1;
          return;
        }
        const loseResponse = queue?.[0]?.kind === "lostResponse";
        if (loseResponse) queue!.shift();
        const result = await found.handler(req, body ?? {}, url.pathname.match(found.pattern)!, url);
        if (typeof token === "string") retryTokens.set(`${url.pathname} ${token}`, { status: result.status, body: result.body, headers: result.headers ?? {} });
        if (loseResponse) {
          call.status = -1;
          req.socket.destroy();
          return;
        }
        call.status = result.status;
        send(res, result.status, result.body, result.headers);
      } catch (err) {
        const apiError = err instanceof ApiError ? err : new ApiError(500, "InternalServerError", (err as Error).message);
        call.status = apiError.status;
        send(res, apiError.status, req.method === "HEAD" ? undefined : { code: apiError.code, message: apiError.message });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  server.unref();
  const lifetime = setTimeout(() => server.close(), opts.lifetimeMs ?? 10 * 60_000);
  lifetime.unref();

  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region,
    namespace,
    availabilityDomains,
    calls,
    images,
    instances,
    objects,
    pars,
    inject(op, failure) {
      injected.set(op, [...(injected.get(op) ?? []), failure]);
    },
    addInstance(fields) {
      const instance: InstanceRecord = {
        id: ocid("instance", region), availabilityDomain: availabilityDomains[0], displayName: "source",
        lifecycleState: "RUNNING", timeCreated: iso(now()), freeformTags: {}, ...fields,
      };
      instances.set(instance.id, instance);
      return instance;
    },
    releaseStalled() {
      for (const wr of workRequests.values()) if (wr.failure?.kind === "stall") wr.failure = undefined;
    },
    count(op) {
      return calls.filter((c) => c.op === op).length;
    },
    close() {
      clearTimeout(lifetime);
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
