// Amazon S3 (or any S3-compatible endpoint, OCI's included) as an object store, over AWS SDK v3.
// - Credentials come from the SDK's default chain (env, profile, SSO, instance/container role).
// - Flexible checksums are set to WHEN_REQUIRED: the default corrupts streamed bodies on some
//   S3-compatible servers (aws-chunked framing stored as data); integrity comes from Content-MD5.
// - The SDK's retries are off (maxAttempts 1): the engine retries every call with backoff and
//   jitter, and a streamed body cannot be replayed by the SDK anyway.
// - A single-part ETag is the content MD5 unless the object is encrypted with SSE-KMS/SSE-C; set
//   `etagIsMd5: false` for such buckets (the engine then hashes what it copies itself).
// - Object bodies and HEADs (GetObject, PutObject, UploadPart, HeadObject: two or more requests per
//   copied object) go through s3-http.ts: the SDK's endpoint and signer, without its per-request
//   middleware. Listing, multipart create/complete/abort/list and delete stay on the SDK.
import type * as http from "http";
import type { Readable } from "stream";
import type * as s3 from "@aws-sdk/client-s3";
import { normalisePrefix } from "../common/prefix";
import { header, headersAfterBody, keepAliveAgents, type KeepAliveAgents } from "./http-transport";
import { s3Sdk, S3ObjectTransport, type S3ObjectRequest } from "./s3-http";
import {
  checkedListing, isPlainMd5Hex, joinKey, md5HexToBase64,
  type ByteRange, type ListedEntry, type ListedPart, type StoreProblem, type CompleteResult, type MultipartApi, type ObjectHead, type ObjectInfo, type ObjectStore, type OpenUpload, type PutOptions, type PutResult, type UploadedPart,
} from "./store";

export interface S3StoreOptions {
  bucket: string;
  prefix?: string;
  /** AWS region; the SDK's default (AWS_REGION, profile) when omitted. */
  region?: string;
  /** S3-compatible endpoint (OCI's S3 compatibility API, a test server). */
  endpoint?: string;
  /** Path-style addressing (needed by most S3-compatible endpoints). */
  forcePathStyle?: boolean;
  /** Static credentials (tests); the default credential chain otherwise. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Whether a single-part ETag is the content MD5 (false for SSE-KMS / SSE-C buckets). Default true. */
  etagIsMd5?: boolean;
  /** Keys per listing page (1..1000, default 1000). */
  listPageSize?: number;
  /** Sockets per host (default 64). */
  maxSockets?: number;
}

function unquote(etag: string | undefined): string {
  return (etag ?? "").replace(/^"|"$/g, "");
}

export class S3Store implements ObjectStore {
  readonly description: string;
  readonly multipart: MultipartApi;
  /** A single PUT's ETag is the MD5 of what S3 stored, unless the bucket encrypts with SSE-KMS/SSE-C. */
  readonly reportsStoredMd5: boolean;
  private readonly prefix: string;
  private clientInstance: s3.S3Client | undefined;
  private agentsInstance: KeepAliveAgents | undefined;
  private transportInstance: Promise<S3ObjectTransport | undefined> | undefined;

  constructor(private readonly options: S3StoreOptions) {
    if (!options.bucket) throw new Error("S3Store: bucket is required.");
    const pageSize = options.listPageSize ?? 1000;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) throw new Error(`S3Store: listPageSize must be within 1..1000, got ${pageSize}.`);
    this.prefix = normalisePrefix(options.prefix);
    this.description = `s3://${options.bucket}/${this.prefix}`;
    this.multipart = new S3Multipart(this);
    this.reportsStoredMd5 = options.etagIsMd5 !== false;
  }

  get bucket(): string {
    return this.options.bucket;
  }

  client(): s3.S3Client {
    if (!this.clientInstance) {
      const { S3Client } = s3Sdk();
      const { NodeHttpHandler } = require("@smithy/node-http-handler") as typeof import("@smithy/node-http-handler");
      const agents = this.agents();
      this.clientInstance = new S3Client({
        region: this.options.region,
        endpoint: this.options.endpoint,
        forcePathStyle: this.options.forcePathStyle,
        credentials: this.options.credentials,
        maxAttempts: 1,
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED",
        requestHandler: new NodeHttpHandler({
          httpAgent: agents["http:"],
          httpsAgent: agents["https:"],
          connectionTimeout: 10_000,
          socketTimeout: 120_000,
        }),
      });
    }
    return this.clientInstance;
  }

  /** One socket pool per store, for the SDK's requests and s3-http's alike. */
  private agents(): KeepAliveAgents {
    return (this.agentsInstance ??= keepAliveAgents(this.options.maxSockets ?? 64));
  }

  /** Sends an object request through s3-http, or returns undefined when the SDK must do it. */
  private async direct(req: S3ObjectRequest): Promise<http.IncomingMessage | undefined> {
    this.transportInstance ??= S3ObjectTransport.create(this.client(), this.options.bucket, this.agents());
    const transport = await this.transportInstance.catch((err) => {
      this.transportInstance = undefined; // e.g. no region configured: say so, and try again next time
      throw err;
    });
    return transport?.send(req);
  }

  fullKey(key: string): string {
    return joinKey(this.prefix, key);
  }

  private identity(etag: string): { md5?: string; checksum?: string } {
    if (this.options.etagIsMd5 !== false && isPlainMd5Hex(etag)) return { md5: etag.toLowerCase(), checksum: etag.toLowerCase() };
    // A multipart ETag ("hex-N") is a content-derived checksum, not an MD5.
    return /^[0-9a-f]{32}-\d+$/i.test(etag) ? { checksum: etag.toLowerCase() } : {};
  }

  /** What to do about a problem with this store, in S3's terms (ObjectStore.hint). */
  hint(problem: StoreProblem): string | undefined {
    const sse = "An S3 bucket that encrypts with SSE-KMS or SSE-C has ETags that are not MD5s (AWS S3 API reference, Object.ETag): set etagIsMd5 false (--s3-etag-not-md5) and the engine hashes what it copies itself.";
    switch (problem) {
      case "listing-without-size":
        return "S3 ListObjectsV2 gives every object's Size: this endpoint is not S3 or lists incompletely (check --s3-endpoint).";
      case "listing-out-of-order":
        return "S3 lists each key once, in ascending UTF-8 order (general-purpose buckets): check --s3-endpoint and the bucket type.";
      case "listed-md5-wrong":
      case "stored-md5-missing":
      case "stored-md5-wrong":
        return sse;
    }
  }

  list(): AsyncIterable<ObjectInfo> {
    return checkedListing(this, this.listedEntries());
  }

  private async *listedEntries(): AsyncIterable<ListedEntry> {
    const { ListObjectsV2Command } = s3Sdk();
    let token: string | undefined;
    do {
      const page = await this.client().send(new ListObjectsV2Command({
        Bucket: this.options.bucket,
        Prefix: this.prefix || undefined,
        ContinuationToken: token,
        MaxKeys: this.options.listPageSize ?? 1000,
      }));
      for (const o of page.Contents ?? []) {
        if (!o.Key || !o.Key.startsWith(this.prefix)) continue;
        const etag = unquote(o.ETag);
        yield { key: o.Key.slice(this.prefix.length), size: o.Size, etag, lastModified: o.LastModified?.getTime(), ...this.identity(etag) };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async head(key: string): Promise<ObjectHead | undefined> {
    let headers: http.IncomingHttpHeaders | undefined;
    try {
      const res = await this.direct({ method: "HEAD", operation: "HeadObject", key: this.fullKey(key) });
      if (res) headers = await headersAfterBody(res);
    } catch (err) {
      if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
      throw err;
    }
    if (headers) {
      const etag = unquote(header(headers, "etag"));
      const metadata: Record<string, string> = {};
      for (const [name, value] of Object.entries(headers)) {
        if (name.startsWith("x-amz-meta-") && value !== undefined) metadata[name.slice("x-amz-meta-".length)] = Array.isArray(value) ? value.join(", ") : value;
      }
      const lastModified = header(headers, "last-modified");
      return { key, size: Number(header(headers, "content-length") ?? 0), etag, version: header(headers, "x-amz-version-id"), lastModified: lastModified ? Date.parse(lastModified) : undefined, metadata, ...this.identity(etag) };
    }
    const { HeadObjectCommand } = s3Sdk();
    try {
      const r = await this.client().send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.fullKey(key) }));
      const etag = unquote(r.ETag);
      const metadata: Record<string, string> = {};
      for (const [k, v] of Object.entries(r.Metadata ?? {})) metadata[k.toLowerCase()] = v;
      return { key, size: r.ContentLength ?? 0, etag, version: r.VersionId ?? undefined, lastModified: r.LastModified?.getTime(), metadata, ...this.identity(etag) };
    } catch (err) {
      if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
      throw err;
    }
  }

  /** HEAD with partNumber=1 answers the first part's length and the part count of a multipart object. */
  async partSizeOf(key: string): Promise<number | undefined> {
    const res = await this.direct({ method: "HEAD", operation: "HeadObject", key: this.fullKey(key), query: { partNumber: "1" } });
    if (res) {
      const headers = await headersAfterBody(res);
      const parts = Number(header(headers, "x-amz-mp-parts-count") ?? 0);
      const length = Number(header(headers, "content-length") ?? 0);
      return parts > 1 && length ? length : undefined;
    }
    const { HeadObjectCommand } = s3Sdk();
    const r = await this.client().send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.fullKey(key), PartNumber: 1 }));
    return r.PartsCount !== undefined && r.PartsCount > 1 && r.ContentLength ? r.ContentLength : undefined;
  }

  async get(key: string, range?: ByteRange, opts?: { ifMatch?: string }): Promise<Readable> {
    const res = await this.direct({
      method: "GET", operation: "GetObject", key: this.fullKey(key),
      headers: { range: range ? `bytes=${range.start}-${range.end}` : undefined, "if-match": opts?.ifMatch ? `"${opts.ifMatch}"` : undefined },
    });
    if (res) return res;
    const { GetObjectCommand } = s3Sdk();
    const r = await this.client().send(new GetObjectCommand({
      Bucket: this.options.bucket,
      Key: this.fullKey(key),
      Range: range ? `bytes=${range.start}-${range.end}` : undefined,
      IfMatch: opts?.ifMatch ? `"${opts.ifMatch}"` : undefined,
    }));
    return r.Body as Readable;
  }

  /** PutObject or UploadPart through s3-http; undefined when the SDK must send it. */
  async putDirect(key: string, body: Readable, opts: { size: number; md5?: string; metadata?: Record<string, string>; part?: { uploadId: string; partNumber: number } }): Promise<string | undefined> {
    const headers: Record<string, string | undefined> = { "content-md5": opts.md5 ? md5HexToBase64(opts.md5) : undefined };
    for (const [name, value] of Object.entries(opts.metadata ?? {})) headers[`x-amz-meta-${name}`] = value;
    const res = await this.direct({
      method: "PUT",
      operation: opts.part ? "UploadPart" : "PutObject",
      key: this.fullKey(key),
      query: opts.part ? { partNumber: String(opts.part.partNumber), uploadId: opts.part.uploadId } : undefined,
      headers,
      body: { stream: body, contentLength: opts.size },
    });
    return res ? unquote(header(await headersAfterBody(res), "etag")) : undefined;
  }

  async put(key: string, body: Readable, opts: PutOptions): Promise<PutResult> {
    const direct = await this.putDirect(key, body, opts);
    if (direct !== undefined) return { etag: direct, md5: this.identity(direct).md5 };
    const { PutObjectCommand } = s3Sdk();
    const r = await this.client().send(new PutObjectCommand({
      Bucket: this.options.bucket,
      Key: this.fullKey(key),
      Body: body,
      ContentLength: opts.size,
      ContentMD5: md5HexToBase64(opts.md5),
      Metadata: opts.metadata,
    }));
    const etag = unquote(r.ETag);
    return { etag, md5: this.identity(etag).md5 };
  }

  async delete(key: string): Promise<void> {
    const { DeleteObjectCommand } = s3Sdk();
    await this.client().send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.fullKey(key) }));
  }
}

class S3Multipart implements MultipartApi {
  // AWS limits: parts of 5 MiB..5 GiB (the last may be smaller), at most 10,000.
  readonly minPartSize = 5 * 1024 * 1024;
  readonly maxPartSize = 5 * 1024 ** 3;
  readonly maxParts = 10_000;

  constructor(private readonly store: S3Store) {}

  async create(key: string, metadata: Record<string, string>): Promise<string> {
    const { CreateMultipartUploadCommand } = s3Sdk();
    const r = await this.store.client().send(new CreateMultipartUploadCommand({ Bucket: this.store.bucket, Key: this.store.fullKey(key), Metadata: metadata }));
    if (!r.UploadId) throw new Error(`${key}: CreateMultipartUpload returned no UploadId.`);
    return r.UploadId;
  }

  async uploadPart(key: string, uploadId: string, partNumber: number, body: Readable, opts: { size: number; md5?: string }): Promise<{ etag: string }> {
    const direct = await this.store.putDirect(key, body, { size: opts.size, md5: opts.md5, part: { uploadId, partNumber } });
    if (direct !== undefined) return { etag: direct };
    const { UploadPartCommand } = s3Sdk();
    const r = await this.store.client().send(new UploadPartCommand({
      Bucket: this.store.bucket, Key: this.store.fullKey(key), UploadId: uploadId, PartNumber: partNumber,
      Body: body, ContentLength: opts.size, ContentMD5: opts.md5 ? md5HexToBase64(opts.md5) : undefined,
    }));
    return { etag: unquote(r.ETag) };
  }

  async complete(key: string, uploadId: string, parts: UploadedPart[]): Promise<CompleteResult> {
    const { CompleteMultipartUploadCommand } = s3Sdk();
    const r = await this.store.client().send(new CompleteMultipartUploadCommand({
      Bucket: this.store.bucket, Key: this.store.fullKey(key), UploadId: uploadId,
      MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: `"${p.etag}"` })) },
    }));
    const etag = unquote(r.ETag);
    return { etag, checksum: etag.toLowerCase() };
  }

  async abort(key: string, uploadId: string): Promise<void> {
    const { AbortMultipartUploadCommand } = s3Sdk();
    try {
      await this.store.client().send(new AbortMultipartUploadCommand({ Bucket: this.store.bucket, Key: this.store.fullKey(key), UploadId: uploadId }));
    } catch (err) {
      if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== 404) throw err;
    }
  }

  /**
   * ListParts (AWS S3 API reference): number, ETag and size of each uploaded part, up to 1,000 a
   * page (IsTruncated, NextPartNumberMarker). A part's ETag is its MD5 unless the bucket encrypts
   * with SSE-KMS/SSE-C (etagIsMd5 false): then no MD5 is given and no part can be kept.
   */
  async listParts(key: string, uploadId: string): Promise<ListedPart[]> {
    const { ListPartsCommand } = s3Sdk();
    const parts: ListedPart[] = [];
    let marker: string | undefined;
    do {
      const r = await this.store.client().send(new ListPartsCommand({ Bucket: this.store.bucket, Key: this.store.fullKey(key), UploadId: uploadId, PartNumberMarker: marker }));
      for (const p of r.Parts ?? []) {
        if (p.PartNumber === undefined || p.Size === undefined) continue;
        const etag = unquote(p.ETag);
        parts.push({ partNumber: p.PartNumber, etag, size: p.Size, md5: this.store.reportsStoredMd5 && isPlainMd5Hex(etag) ? etag.toLowerCase() : undefined });
      }
      marker = r.IsTruncated && r.NextPartNumberMarker !== undefined ? String(r.NextPartNumberMarker) : undefined;
    } while (marker !== undefined);
    return parts.sort((a, b) => a.partNumber - b.partNumber);
  }

  async *listOpen(): AsyncIterable<OpenUpload> {
    const { ListMultipartUploadsCommand } = s3Sdk();
    const prefix = this.store.fullKey("");
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    do {
      const r = await this.store.client().send(new ListMultipartUploadsCommand({
        Bucket: this.store.bucket, Prefix: prefix || undefined, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker,
      }));
      for (const u of r.Uploads ?? []) {
        if (u.Key && u.UploadId && u.Key.startsWith(prefix)) yield { key: u.Key.slice(prefix.length), uploadId: u.UploadId, created: u.Initiated?.getTime() };
      }
      if (!r.IsTruncated) break;
      keyMarker = r.NextKeyMarker;
      uploadIdMarker = r.NextUploadIdMarker;
    } while (keyMarker !== undefined);
  }
}
