// OCI Object Storage as an object store, over oci-objectstorage with the SDK's quirks handled:
// - bodies are always streams with a Content-Length (a Buffer body stalls the event loop), and
//   object bodies (get, put, upload part) go over node:http(s) with the SDK's own request and
//   signature (oci-http.ts);
// - query values (prefix, start) are URL-encoded here, because the SDK does not encode them, and
//   pagination is our own loop (the SDK iterators pass nextStartWith raw);
// - multipart is driven by the engine (no UploadManager: it reads ahead without bound);
// - the SDK's retries are off (they only work for Buffer bodies) and so is its per-client circuit
//   breaker (after 10 failures it rejects healthy calls for 30 s, failing a whole sync): the engine
//   retries every call itself with backoff and jitter;
// - MD5s arrive base64 and multipart MD5s as "b64-N"; the store converts them to the engine's hex.
import type { Readable } from "stream";
import type * as ociCommon from "oci-common";
import type * as ociObjectStorage from "oci-objectstorage";
import { header, headersAfterBody, sendObjectRequest, type ObjectRequest } from "./oci-http";
import { KeyCachingRequestSigner } from "./oci-signer";
import { normalisePrefix } from "../common/prefix";
import { isSdkNotFound, sdkErrorsHandledHere } from "../oci/sdk-warnings";
import {
  checkedListing, isPlainMd5Hex, joinKey, md5Base64ToHex, md5HexToBase64, SOURCE_METADATA, TransientStoreError,
  type ByteRange, type CompleteResult, type ListedEntry, type ListedPart, type MultipartApi, type ObjectHead, type ObjectInfo, type ObjectStore, type OpenUpload, type PutOptions, type PutResult, type StoreProblem, type UploadedPart,
} from "./store";

export type OciAuth =
  /** On an OCI instance (the default): the instance's dynamic-group identity. */
  | { kind: "instance-principal" }
  /** An API-key profile in an OCI config file (~/.oci/config by default). */
  | { kind: "config-file"; file?: string; profile?: string }
  /** A session-token profile (`oci session authenticate`). */
  | { kind: "session-token"; file?: string; profile?: string }
  /** A ready provider (tests, or callers with their own). */
  | { kind: "provider"; provider: ociCommon.AuthenticationDetailsProvider };

export interface OciStoreOptions {
  bucket: string;
  prefix?: string;
  /** Looked up with GetNamespace when omitted. */
  namespace?: string;
  /** Region id (e.g. "us-ashburn-1"); defaults to the auth provider's region. */
  region?: string;
  /** Overrides the service endpoint (private endpoints, tests). */
  endpoint?: string;
  auth?: OciAuth;
  /** Objects per listing page (1..1000, default 1000). */
  listPageSize?: number;
}

/** Canonical multipart checksum from OCI's "b64-N" form. */
export function ociMultipartToCanonical(value: string): string {
  const dash = value.lastIndexOf("-");
  return `${md5Base64ToHex(value.slice(0, dash))}-${value.slice(dash + 1)}`;
}

/** Splits OCI's md5 field (or header) into a content MD5 or a multipart checksum. */
function checksums(md5Field: string | undefined, multipartHeader?: string): { md5?: string; checksum?: string } {
  if (multipartHeader) return { checksum: ociMultipartToCanonical(multipartHeader) };
  if (!md5Field) return {};
  if (md5Field.includes("-")) return { checksum: ociMultipartToCanonical(md5Field) };
  const md5 = md5Base64ToHex(md5Field);
  return isPlainMd5Hex(md5) ? { md5, checksum: md5 } : {};
}

/** The SDK's authentication provider for an OciAuth (the one builder; components/oci-auth.ts re-exports it). */
export async function authenticationProvider(auth: OciAuth): Promise<ociCommon.AuthenticationDetailsProvider> {
  const common: typeof ociCommon = require("oci-common");
  switch (auth.kind) {
    case "instance-principal":
      return new common.InstancePrincipalsAuthenticationDetailsProviderBuilder().build();
    case "config-file":
      return new common.ConfigFileAuthenticationDetailsProvider(auth.file, auth.profile);
    case "session-token":
      return new common.SessionAuthDetailProvider(auth.file, auth.profile);
    case "provider":
      return auth.provider;
  }
}

function stripMetaPrefix(meta: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(meta ?? {})) out[k.toLowerCase().replace(/^opc-meta-/, "")] = v;
  return out;
}

export class OciStore implements ObjectStore {
  readonly description: string;
  readonly multipart: MultipartApi;
  /** PutObject answers opc-content-md5, the MD5 of what the service stored. */
  readonly reportsStoredMd5 = true;
  private readonly prefix: string;
  private sdkPromise: Promise<{ client: ociObjectStorage.ObjectStorageClient; signer: KeyCachingRequestSigner }> | undefined;
  private namespacePromise: Promise<string> | undefined;

  constructor(private readonly options: OciStoreOptions) {
    if (!options.bucket) throw new Error("OciStore: bucket is required.");
    const pageSize = options.listPageSize ?? 1000;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) throw new Error(`OciStore: listPageSize must be within 1..1000, got ${pageSize}.`);
    this.prefix = normalisePrefix(options.prefix);
    this.description = `oci://${options.namespace ?? "(namespace)"}/${options.bucket}/${this.prefix}`;
    this.multipart = new OciMultipart(this);
  }

  /** The SDK client, built on first use with retries and circuit breaker off (see top). */
  client(): Promise<ociObjectStorage.ObjectStorageClient> {
    return this.sdk().then((sdk) => sdk.client);
  }

  /** The client and, for the bodies fetched over node:http(s), a signer over the same identity. */
  private sdk(): Promise<{ client: ociObjectStorage.ObjectStorageClient; signer: KeyCachingRequestSigner }> {
    this.sdkPromise ??= (async () => {
      const common: typeof ociCommon = require("oci-common");
      const os: typeof ociObjectStorage = require("oci-objectstorage");
      const provider = await authenticationProvider(this.options.auth ?? { kind: "instance-principal" });
      const signer = new KeyCachingRequestSigner(provider);
      const client = new os.ObjectStorageClient(
        { authenticationDetailsProvider: provider },
        {
          retryConfiguration: { terminationStrategy: new common.MaxAttemptsTerminationStrategy(1) },
          circuitBreaker: new common.CircuitBreaker({ disableClientCircuitBreaker: true }),
        },
      );
      if (this.options.region) client.regionId = this.options.region;
      if (this.options.endpoint) client.endpoint = this.options.endpoint;
      return { client, signer };
    })();
    this.sdkPromise.catch(() => (this.sdkPromise = undefined));
    return this.sdkPromise;
  }

  namespace(): Promise<string> {
    if (this.options.namespace) return Promise.resolve(this.options.namespace);
    this.namespacePromise ??= this.client().then(async (c) => (await c.getNamespace({})).value);
    this.namespacePromise.catch(() => (this.namespacePromise = undefined));
    return this.namespacePromise;
  }

  fullName(key: string): string {
    return joinKey(this.prefix, key);
  }

  async base(): Promise<{ client: ociObjectStorage.ObjectStorageClient; namespaceName: string; bucketName: string }> {
    const [client, namespaceName] = await Promise.all([this.client(), this.namespace()]);
    return { client, namespaceName, bucketName: this.options.bucket };
  }

  /**
   * What to do about a problem with this store, in OCI's terms (ObjectStore.hint). The service
   * lists size and md5 when asked (ListObjects `fields`) and answers PutObject with
   * opc-content-md5, "the base64-encoded MD5 hash of the request body as computed by the server"
   * (OCI API reference, PutObject / oci-objectstorage PutObjectResponse.opcContentMd5).
   */
  hint(problem: StoreProblem): string | undefined {
    const endpoint = this.options.endpoint ? ` (${this.options.endpoint})` : "";
    switch (problem) {
      case "listing-without-size":
        return `OCI Object Storage lists every object's size when asked (fields=size): this endpoint${endpoint} did not, so it is not the service (cameritelabs/oci-emulator lists no sizes); check --oci-endpoint.`;
      case "listing-out-of-order":
        return `OCI Object Storage lists each name once, in lexicographic order: this endpoint${endpoint} is not the service or its pagination is broken; check --oci-endpoint.`;
      case "listed-md5-wrong":
        return "OCI lists the MD5 it computed when the object was uploaded: the object was overwritten during the copy, or the endpoint is not the service.";
      case "stored-md5-missing":
        return `OCI Object Storage reports what it stored (opc-content-md5 on PutObject, opc-multipart-md5 on a commit): this endpoint${endpoint} did not, so it is not the service (an emulator) or something between strips the header; copies into it cannot be verified. Check --oci-endpoint.`;
      case "stored-md5-wrong":
        return "OCI's opc-content-md5 is the MD5 of the bytes the service received: something between here and the service alters request bodies.";
    }
  }

  list(): AsyncIterable<ObjectInfo> {
    return checkedListing(this, this.listedEntries());
  }

  private async *listedEntries(): AsyncIterable<ListedEntry> {
    const { client, namespaceName, bucketName } = await this.base();
    let start: string | undefined;
    do {
      const page = await client.listObjects({
        namespaceName,
        bucketName,
        prefix: this.prefix ? encodeURIComponent(this.prefix) : undefined,
        start: start !== undefined ? encodeURIComponent(start) : undefined,
        limit: this.options.listPageSize ?? 1000,
        fields: "name,size,md5,etag,timeModified",
      });
      for (const o of page.listObjects.objects) {
        if (!o.name.startsWith(this.prefix)) continue;
        yield {
          key: o.name.slice(this.prefix.length),
          size: o.size,
          etag: o.etag ?? "",
          lastModified: o.timeModified ? new Date(o.timeModified).getTime() : undefined,
          ...checksums(o.md5),
        };
      }
      start = page.listObjects.nextStartWith;
    } while (start !== undefined);
  }

  async head(key: string): Promise<ObjectHead | undefined> {
    const { client, namespaceName, bucketName } = await this.base();
    try {
      const r = await sdkErrorsHandledHere(() => client.headObject({ namespaceName, bucketName, objectName: this.fullName(key) }), isSdkNotFound);
      return {
        key,
        size: r.contentLength,
        etag: r.eTag,
        lastModified: r.lastModified ? new Date(r.lastModified).getTime() : undefined,
        metadata: stripMetaPrefix(r.opcMeta),
        ...checksums(r.contentMd5, r.opcMultipartMd5),
      };
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return undefined;
      throw err;
    }
  }

  /** OCI has no part-level HEAD: the part size is known only when the engine recorded it in the metadata. */
  async partSizeOf(key: string): Promise<number | undefined> {
    const recorded = (await this.head(key))?.metadata[SOURCE_METADATA.partSize];
    const partSize = recorded === undefined ? Number.NaN : Number(recorded);
    return Number.isSafeInteger(partSize) && partSize > 0 ? partSize : undefined;
  }

  /** Where a body request goes: the SDK's endpoint and signer, the object's path parameters. */
  async bodyTarget(key: string): Promise<Pick<ObjectRequest, "endpoint" | "signer" | "pathParams">> {
    const [{ client, signer }, namespaceName] = await Promise.all([this.sdk(), this.namespace()]);
    return { endpoint: client.endpoint, signer, pathParams: { "{namespaceName}": namespaceName, "{bucketName}": this.options.bucket, "{objectName}": this.fullName(key) } };
  }

  /** GetObject composed and signed by the SDK, sent over node:http(s) (oci-http.ts says why). */
  async get(key: string, range?: ByteRange, opts?: { ifMatch?: string }): Promise<Readable> {
    const common: typeof ociCommon = require("oci-common");
    return sendObjectRequest({
      ...(await this.bodyTarget(key)),
      method: "GET",
      path: "/n/{namespaceName}/b/{bucketName}/o/{objectName}",
      headerParams: { "if-match": opts?.ifMatch, range: range ? new common.Range(range.start, range.end, null) : undefined },
      operation: "GetObject",
    });
  }

  /** PutObject like the SDK's (body unsigned, Content-MD5 checked by the service), over node:http(s). */
  async put(key: string, body: Readable, opts: PutOptions): Promise<PutResult> {
    const headerParams: Record<string, string> = { "Content-MD5": md5HexToBase64(opts.md5) };
    for (const [name, value] of Object.entries(opts.metadata ?? {})) headerParams[`opc-meta-${name}`] = value;
    const res = await sendObjectRequest({
      ...(await this.bodyTarget(key)),
      method: "PUT",
      path: "/n/{namespaceName}/b/{bucketName}/o/{objectName}",
      headerParams,
      body: { stream: body, contentLength: opts.size },
      operation: "PutObject",
    });
    const headers = await headersAfterBody(res);
    const storedMd5 = header(headers, "opc-content-md5");
    return { etag: header(headers, "etag") ?? "", md5: storedMd5 ? md5Base64ToHex(storedMd5) : undefined };
  }

  async delete(key: string): Promise<void> {
    const { client, namespaceName, bucketName } = await this.base();
    try {
      await sdkErrorsHandledHere(() => client.deleteObject({ namespaceName, bucketName, objectName: this.fullName(key) }), isSdkNotFound);
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
    }
  }
}

class OciMultipart implements MultipartApi {
  readonly minPartSize = 1;
  readonly maxPartSize = 50 * 1024 ** 3;
  readonly maxParts = 10_000;

  constructor(private readonly store: OciStore) {}

  async create(key: string, metadata: Record<string, string>): Promise<string> {
    const { client, namespaceName, bucketName } = await this.store.base();
    const prefixed: Record<string, string> = {};
    for (const [k, v] of Object.entries(metadata)) prefixed[`opc-meta-${k}`] = v;
    const r = await client.createMultipartUpload({
      namespaceName, bucketName,
      createMultipartUploadDetails: { object: this.store.fullName(key), metadata: prefixed },
    });
    return r.multipartUpload.uploadId;
  }

  /** UploadPart like the SDK's (body unsigned, Content-MD5 checked by the service), over node:http(s). */
  async uploadPart(key: string, uploadId: string, partNumber: number, body: Readable, opts: { size: number; md5?: string }): Promise<{ etag: string }> {
    const res = await sendObjectRequest({
      ...(await this.store.bodyTarget(key)),
      method: "PUT",
      path: "/n/{namespaceName}/b/{bucketName}/u/{objectName}",
      queryParams: { uploadId: encodeURIComponent(uploadId), uploadPartNum: partNumber },
      headerParams: { "Content-MD5": opts.md5 ? md5HexToBase64(opts.md5) : undefined },
      body: { stream: body, contentLength: opts.size },
      operation: "UploadPart",
    });
    const etag = header(await headersAfterBody(res), "etag");
    if (!etag) throw new TransientStoreError(`${key} part ${partNumber}: the service answered without an ETag.`);
    return { etag };
  }

  async complete(key: string, uploadId: string, parts: UploadedPart[]): Promise<CompleteResult> {
    const { client, namespaceName, bucketName } = await this.store.base();
    const r = await client.commitMultipartUpload({
      namespaceName, bucketName, objectName: this.store.fullName(key), uploadId,
      commitMultipartUploadDetails: { partsToCommit: parts.map((p) => ({ partNum: p.partNumber, etag: p.etag })) },
    });
    return { etag: r.eTag, checksum: r.opcMultipartMd5 ? ociMultipartToCanonical(r.opcMultipartMd5) : undefined };
  }

  async abort(key: string, uploadId: string): Promise<void> {
    const { client, namespaceName, bucketName } = await this.store.base();
    try {
      await sdkErrorsHandledHere(() => client.abortMultipartUpload({ namespaceName, bucketName, objectName: this.store.fullName(key), uploadId }), isSdkNotFound);
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
    }
  }

  /**
   * ListMultipartUploadParts: each part's number, ETag, size and "the MD5 hash of the bytes of the
   * part" (base64; OCI API reference, MultipartUploadPartSummary), paginated with opc-next-page.
   */
  async listParts(key: string, uploadId: string): Promise<ListedPart[]> {
    const { client, namespaceName, bucketName } = await this.store.base();
    const parts: ListedPart[] = [];
    let page: string | undefined;
    do {
      const r = await client.listMultipartUploadParts({ namespaceName, bucketName, objectName: this.store.fullName(key), uploadId, limit: 1000, page: page !== undefined ? encodeURIComponent(page) : undefined });
      for (const p of r.items) parts.push({ partNumber: p.partNumber, etag: p.etag, size: p.size, md5: p.md5 ? md5Base64ToHex(p.md5) : undefined });
      page = r.opcNextPage;
    } while (page !== undefined);
    return parts.sort((a, b) => a.partNumber - b.partNumber);
  }

  async *listOpen(): AsyncIterable<OpenUpload> {
    const { client, namespaceName, bucketName } = await this.store.base();
    const prefix = this.store.fullName("");
    let page: string | undefined;
    do {
      const r = await client.listMultipartUploads({ namespaceName, bucketName, limit: 1000, page: page !== undefined ? encodeURIComponent(page) : undefined });
      for (const u of r.items) {
        if (!u.object.startsWith(prefix)) continue;
        yield { key: u.object.slice(prefix.length), uploadId: u.uploadId, created: u.timeCreated ? new Date(u.timeCreated).getTime() : undefined };
      }
      page = r.opcNextPage;
    } while (page !== undefined);
  }
}
