// An OCI Object Storage server on 127.0.0.1 for tests and benchmarks, faithful to the public API
// (https://docs.oracle.com/iaas/api/#/en/objectstorage/20160918/) for what this project uses:
// GetNamespace, Put/Get/Head/Delete/ListObjects (prefix, start, end, limit, fields, delimiter,
// nextStartWith), byte ranges, If-Match, Content-MD5 checking (400 on mismatch), multipart
// create/upload part/commit/abort/list uploads/list parts with opc-multipart-md5, JSON errors,
// and request-signature verification with the caller's public key. Object data lives in files
// under a directory, so large objects cost disk, not this process's memory.
// The real oci-objectstorage client is the judge: tests drive this server only through it.
import * as crypto from "crypto";
import * as fs from "fs";
import * as fsp from "fs/promises";
import { once } from "events";
import * as http from "http";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { pipeline } from "stream/promises";
import { Transform } from "stream";
import { FaultInjector, resetConnection, sendBody, sleep, type FaultConfig, type FaultDecision } from "./faults";
import { verifyOciRequest } from "./oci-signature";

interface StoredObject {
  name: string;
  size: number;
  file: string;
  /** base64 MD5 of a simple upload. */
  md5?: string;
  /** "base64-N" of a multipart upload. */
  multipartMd5?: string;
  etag: string;
  created: Date;
  modified: Date;
  metadata: Record<string, string>;
  contentType: string;
}

interface UploadPart {
  partNumber: number;
  file: string;
  size: number;
  md5: string;
  etag: string;
}

interface Upload {
  uploadId: string;
  bucket: string;
  object: string;
  created: Date;
  metadata: Record<string, string>;
  contentType: string;
  parts: Map<number, UploadPart>;
}

export interface OciServerOptions {
  namespace?: string;
  /** Buckets to create at start. */
  buckets?: string[];
  /** keyId -> public key of the identities allowed in. */
  publicKeys: ReadonlyMap<string, crypto.KeyObject>;
  /** Directory for object data (a temporary one by default, removed on close). */
  directory?: string;
  faults?: FaultConfig;
  /** Close by itself after this long without requests (default 10 minutes). */
  idleTimeoutMs?: number;
  /** Emulator defects to imitate (none by default); also settable later through `quirks`. */
  quirks?: OciServerQuirks;
  /** Port on 127.0.0.1 (default: any free one). */
  port?: number;
}

/**
 * Defects of third-party emulators that the real service never shows, off by default: tests turn
 * them on to check that our code refuses them. cameritelabs/oci-emulator lists objects without
 * size or md5 (/work/shared/FACTS.md); the service lists both when `fields` asks for them and
 * answers PutObject with opc-content-md5 (OCI API reference, ListObjects and PutObject).
 */
export interface OciServerQuirks {
  /** ListObjects leaves `size` out even when `fields` asks for it. */
  listWithoutSize?: boolean;
  /** ListObjects leaves `md5` out even when `fields` asks for it. */
  listWithoutMd5?: boolean;
  /** PutObject answers without opc-content-md5. */
  putWithoutMd5?: boolean;
  /** A truncated ListObjects page answers nextStartWith = its own last name (`start` is inclusive: that name is listed twice). */
  nextStartWithLastListed?: boolean;
}

class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

export class OciObjectStorageServer {
  readonly namespace: string;
  readonly faults: FaultInjector;
  private readonly buckets = new Map<string, Map<string, StoredObject>>();
  private readonly uploads = new Map<string, Upload>();
  private server: http.Server | undefined;
  private directory = "";
  private ownsDirectory = false;
  private idleTimer: NodeJS.Timeout | undefined;
  /** Every request seen (method and raw URL), for tests that check what the client sent. */
  readonly requests: { method: string; url: string; status?: number }[] = [];
  endpoint = "";
  /** Emulator defects imitated from now on (see OciServerQuirks). */
  quirks: OciServerQuirks;

  constructor(private readonly options: OciServerOptions) {
    this.namespace = options.namespace ?? "testns";
    this.quirks = { ...options.quirks };
    this.faults = new FaultInjector(options.faults);
    for (const b of options.buckets ?? []) this.createBucket(b);
  }

  createBucket(name: string): void {
    if (!this.buckets.has(name)) this.buckets.set(name, new Map());
  }

  /** Object names in a bucket (for assertions). */
  objectNames(bucket: string): string[] {
    return [...(this.buckets.get(bucket)?.keys() ?? [])].sort(compareNames);
  }

  /** The objects of `bucket` that were committed from a multipart upload. */
  multipartObjectNames(bucket: string): string[] {
    return [...(this.buckets.get(bucket)?.values() ?? [])].filter((o) => o.multipartMd5 !== undefined).map((o) => o.name).sort(compareNames);
  }

  /** The object index as JSON: with the data directory, what a restarted server needs (`restoreIndex`). */
  indexSnapshot(): string {
    return JSON.stringify([...this.buckets].map(([bucket, objects]) => [bucket, [...objects]]));
  }

  /** Restores an index saved by `indexSnapshot` (the same data directory must be used). */
  restoreIndex(snapshot: string): void {
    for (const [bucket, objects] of JSON.parse(snapshot) as [string, [string, StoredObject][]][]) {
      this.buckets.set(bucket, new Map(objects.map(([name, o]) => [name, { ...o, created: new Date(o.created), modified: new Date(o.modified) }])));
    }
  }

  /** Multipart uploads still open (for assertions: a clean run leaves none). */
  openUploads(): { bucket: string; object: string; uploadId: string }[] {
    return [...this.uploads.values()].map((u) => ({ bucket: u.bucket, object: u.object, uploadId: u.uploadId }));
  }

  /** The part numbers an open upload holds, ascending (for assertions on resumed uploads). */
  uploadedParts(uploadId: string): number[] {
    return [...(this.uploads.get(uploadId)?.parts.keys() ?? [])].sort((a, b) => a - b);
  }

  async start(): Promise<string> {
    this.directory = this.options.directory ?? (await fsp.mkdtemp(path.join(os.tmpdir(), "oci-os-")));
    this.ownsDirectory = this.options.directory === undefined;
    await fsp.mkdir(path.join(this.directory, "data"), { recursive: true });
    this.server = http.createServer((req, res) => {
      this.touch();
      this.handle(req, res).catch((err) => {
        if (!res.headersSent && !res.destroyed) this.sendError(res, err instanceof ApiError ? err : new ApiError(500, "InternalServerError", String(err)));
        else res.destroy();
      });
    });
    this.server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen(this.options.port ?? 0, "127.0.0.1", resolve);
    });
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    this.touch();
    return this.endpoint;
  }

  private touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.close(), this.options.idleTimeoutMs ?? 600_000);
    this.idleTimer.unref();
  }

  async close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    if (this.ownsDirectory && this.directory) await fsp.rm(this.directory, { recursive: true, force: true });
  }

  private newFile(): string {
    return path.join(this.directory, "data", crypto.randomUUID());
  }

  private sendError(res: http.ServerResponse, err: ApiError, method?: string): void {
    res.statusCode = err.status;
    res.setHeader("opc-request-id", crypto.randomUUID());
    if (method === "HEAD") {
      res.end();
      return;
    }
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ code: err.code, message: err.message }));
  }

  private async readBody(req: http.IncomingMessage, decision: FaultDecision): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let received = 0;
    const limit = Number(req.headers["content-length"] ?? 0);
    for await (const chunk of req) {
      chunks.push(chunk as Buffer);
      received += (chunk as Buffer).length;
      if (decision.kind === "reset" && received >= limit / 2) {
        resetConnection(req);
        throw new ApiError(500, "ConnectionReset", "injected");
      }
    }
    return Buffer.concat(chunks);
  }

  /** Streams a request body to a file, hashing it; enforces Content-Length and Content-MD5. */
  private async receiveData(req: http.IncomingMessage, decision: FaultDecision): Promise<{ file: string; size: number; md5: string }> {
    const lengthHeader = req.headers["content-length"];
    if (lengthHeader === undefined) throw new ApiError(411, "LengthRequired", "Content-Length is required.");
    const expected = Number(lengthHeader);
    const hash = crypto.createHash("md5");
    let size = 0;
    const file = this.newFile();
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        size += chunk.length;
        hash.update(chunk);
        if (decision.kind === "reset" && size >= expected / 2) {
          resetConnection(req);
          cb(new ApiError(500, "ConnectionReset", "injected"));
          return;
        }
        cb(null, chunk);
      },
    });
    try {
      await pipeline(req, counter, fs.createWriteStream(file));
    } catch (err) {
      await fsp.rm(file, { force: true });
      throw err;
    }
    if (size !== expected) {
      await fsp.rm(file, { force: true });
      throw new ApiError(400, "InvalidParameter", `Received ${size} bytes, Content-Length says ${expected}.`);
    }
    const md5 = hash.digest("base64");
    const claimed = req.headers["content-md5"];
    if (claimed !== undefined && claimed !== md5) {
      await fsp.rm(file, { force: true });
      throw new ApiError(400, "UnmatchedContentMD5", `The computed MD5 of the request body (${md5}) does not match the Content-MD5 header (${claimed}).`);
    }
    return { file, size, md5 };
  }

  private bucket(name: string): Map<string, StoredObject> {
    const b = this.buckets.get(name);
    if (!b) throw new ApiError(404, "BucketNotFound", `Either the bucket named '${name}' does not exist in the namespace '${this.namespace}' or you are not authorized to access it`);
    return b;
  }

  private object(bucket: string, name: string): StoredObject {
    const o = this.bucket(bucket).get(name);
    if (!o) throw new ApiError(404, "ObjectNotFound", `The object '${name}' was not found in the bucket '${bucket}'`);
    return o;
  }

  private upload(bucket: string, object: string, uploadId: string | null): Upload {
    const u = uploadId ? this.uploads.get(uploadId) : undefined;
    if (!u || u.bucket !== bucket || u.object !== object) throw new ApiError(404, "NoSuchUpload", `No multipart upload with id '${uploadId}' for object '${object}' in bucket '${bucket}'.`);
    return u;
  }

  private metadataFrom(req: http.IncomingMessage): Record<string, string> {
    const metadata: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (k.startsWith("opc-meta-") && typeof v === "string") metadata[k] = v;
    return metadata;
  }

  private objectHeaders(res: http.ServerResponse, o: StoredObject): void {
    res.setHeader("etag", o.etag);
    res.setHeader("last-modified", o.modified.toUTCString());
    res.setHeader("accept-ranges", "bytes");
    res.setHeader("content-type", o.contentType);
    res.setHeader("storage-tier", "Standard");
    if (o.md5) res.setHeader("content-md5", o.md5);
    if (o.multipartMd5) res.setHeader("opc-multipart-md5", o.multipartMd5);
    for (const [k, v] of Object.entries(o.metadata)) res.setHeader(k, v);
  }

  private ifMatch(req: http.IncomingMessage, o: StoredObject | undefined): void {
    const match = req.headers["if-match"];
    if (match !== undefined && match !== "*" && match !== o?.etag) {
      throw new ApiError(412, "IfMatchFailed", "The If-Match precondition failed.");
    }
    if (match === "*" && !o) throw new ApiError(412, "IfMatchFailed", "The If-Match precondition failed.");
    const noneMatch = req.headers["if-none-match"];
    if (noneMatch === "*" && o) throw new ApiError(412, "IfNoneMatchFailed", "The object already exists.");
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const entry: { method: string; url: string; status?: number } = { method: req.method!, url: req.url! };
    this.requests.push(entry);
    res.on("finish", () => (entry.status = res.statusCode));
    // An answer the server wrote but the client did not stay to read (killed mid-request) was still
    // given: a part stored and answered 200 is accepted, whether or not the bytes left the socket.
    res.on("close", () => {
      if (entry.status === undefined && res.headersSent) entry.status = res.statusCode;
    });
    const decision = this.faults.decide(req);
    if (decision.delayMs) await sleep(decision.delayMs);
    if (decision.kind === "throttle") {
      req.resume();
      return this.sendError(res, new ApiError(429, "TooManyRequests", "Too many requests (injected)."), req.method);
    }
    if (decision.kind === "unavailable") {
      req.resume();
      return this.sendError(res, new ApiError(503, "ServiceUnavailable", "Service unavailable (injected)."), req.method);
    }
    // Bodies of object and part uploads are streamed; the signature does not cover them.
    const url = new URL(req.url!, "http://localhost");
    const segments = url.pathname.split("/").slice(1).map((s) => decodeURIComponent(s));
    const isDataUpload = req.method === "PUT" && (segments[4] === "o" || segments[4] === "u");
    const body = isDataUpload ? undefined : await this.readBody(req, decision.kind === "reset" && req.method !== "GET" && req.method !== "HEAD" ? decision : { delayMs: 0 });
    const auth = verifyOciRequest(req, body, this.options.publicKeys);
    if (!auth.ok) {
      req.resume();
      return this.sendError(res, new ApiError(401, "NotAuthenticated", auth.reason), req.method);
    }
    const isDownload = req.method === "GET" && segments[4] === "o" && segments.length > 5;
    if ((decision.kind === "reset" || decision.kind === "truncate") && !isDataUpload && !isDownload) {
      // Nothing to cut mid-body: the connection drops before the answer.
      resetConnection(req);
      return;
    }
    res.setHeader("opc-request-id", crypto.randomUUID());
    const clientRequestId = req.headers["opc-client-request-id"];
    if (typeof clientRequestId === "string") res.setHeader("opc-client-request-id", clientRequestId);

    // GET /n/ -> namespace
    if (segments[0] === "n" && (segments.length === 1 || (segments.length === 2 && segments[1] === ""))) {
      if (req.method !== "GET") throw new ApiError(405, "MethodNotAllowed", "Only GET is allowed here.");
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(this.namespace));
      return;
    }
    if (segments[0] !== "n" || segments[2] !== "b" || segments.length < 5) throw new ApiError(404, "NotFound", `No route for ${req.method} ${url.pathname}.`);
    if (segments[1] !== this.namespace) throw new ApiError(404, "NamespaceNotFound", `The namespace '${segments[1]}' does not exist.`);
    const bucket = segments[3];
    const kind = segments[4];
    // The object name is the rest of the path: one encoded segment (the SDK encodes "/").
    const name = segments.length > 5 ? segments.slice(5).join("/") : undefined;

    if (kind === "o" && name === undefined) {
      if (req.method !== "GET") throw new ApiError(405, "MethodNotAllowed", "Only GET lists objects.");
      return this.listObjects(res, bucket, url.searchParams);
    }
    if (kind === "o" && name !== undefined) {
      switch (req.method) {
        case "PUT": return this.putObject(req, res, bucket, name, decision);
        case "GET": return this.getObject(req, res, bucket, name, decision, false);
        case "HEAD": return this.getObject(req, res, bucket, name, decision, true);
        case "DELETE": {
          const o = this.object(bucket, name);
          this.ifMatch(req, o);
          this.bucket(bucket).delete(name);
          await fsp.rm(o.file, { force: true });
          res.statusCode = 204;
          res.setHeader("last-modified", new Date().toUTCString());
          res.end();
          return;
        }
      }
      throw new ApiError(405, "MethodNotAllowed", `${req.method} is not allowed on objects.`);
    }
    if (kind === "u") {
      this.bucket(bucket);
      const uploadId = url.searchParams.get("uploadId");
      if (name === undefined && req.method === "POST") return this.createUpload(res, bucket, body!);
      if (name === undefined && req.method === "GET") return this.listUploads(res, bucket, url.searchParams);
      if (name !== undefined && req.method === "PUT") return this.uploadPart(req, res, bucket, name, uploadId, url.searchParams.get("uploadPartNum"), decision);
      if (name !== undefined && req.method === "POST") return this.commitUpload(res, bucket, name, uploadId, body!);
      if (name !== undefined && req.method === "GET") return this.listParts(res, bucket, name, uploadId, url.searchParams);
      if (name !== undefined && req.method === "DELETE") {
        const u = this.upload(bucket, name, uploadId);
        this.uploads.delete(u.uploadId);
        await Promise.all([...u.parts.values()].map((p) => fsp.rm(p.file, { force: true })));
        res.statusCode = 204;
        res.end();
        return;
      }
    }
    throw new ApiError(404, "NotFound", `No route for ${req.method} ${url.pathname}.`);
  }

  private async putObject(req: http.IncomingMessage, res: http.ServerResponse, bucket: string, name: string, decision: FaultDecision): Promise<void> {
    const objects = this.bucket(bucket);
    this.ifMatch(req, objects.get(name));
    const data = await this.receiveData(req, decision);
    const previous = objects.get(name);
    const now = new Date();
    const o: StoredObject = {
      name, size: data.size, file: data.file, md5: data.md5, etag: crypto.randomUUID(),
      created: now, modified: now, metadata: this.metadataFrom(req),
      contentType: String(req.headers["content-type"] ?? "application/octet-stream"),
    };
    objects.set(name, o);
    if (previous) await fsp.rm(previous.file, { force: true });
    if (!this.quirks.putWithoutMd5) res.setHeader("opc-content-md5", data.md5);
    res.setHeader("etag", o.etag);
    res.setHeader("last-modified", now.toUTCString());
    res.setHeader("version-id", crypto.randomUUID());
    res.end();
  }

  private async getObject(req: http.IncomingMessage, res: http.ServerResponse, bucket: string, name: string, decision: FaultDecision, headOnly: boolean): Promise<void> {
    const o = this.object(bucket, name);
    this.ifMatch(req, o);
    const noneMatch = req.headers["if-none-match"];
    if (noneMatch !== undefined && noneMatch === o.etag) {
      res.statusCode = 304;
      res.setHeader("etag", o.etag);
      res.end();
      return;
    }
    this.objectHeaders(res, o);
    let start = 0;
    let end = o.size - 1;
    const range = req.headers.range;
    if (range !== undefined && !headOnly) {
      const m = /^bytes=(\d*)-(\d*)$/.exec(range);
      if (!m || (m[1] === "" && m[2] === "")) throw new ApiError(416, "InvalidRange", `Invalid range ${range}.`);
      if (m[1] === "") {
        start = Math.max(0, o.size - Number(m[2]));
      } else {
        start = Number(m[1]);
        end = m[2] === "" ? o.size - 1 : Math.min(Number(m[2]), o.size - 1);
      }
      if (start >= o.size || start > end) {
        res.setHeader("content-range", `bytes */${o.size}`);
        throw new ApiError(416, "InvalidRange", `The range ${range} is not satisfiable for an object of ${o.size} bytes.`);
      }
      res.statusCode = 206;
      res.setHeader("content-range", `bytes ${start}-${end}/${o.size}`);
    }
    const length = o.size === 0 ? 0 : end - start + 1;
    res.setHeader("content-length", String(length));
    if (headOnly || length === 0) {
      res.end();
      return;
    }
    const stream = fs.createReadStream(o.file, { start, end, highWaterMark: 256 * 1024 });
    await sendBody(req, res, stream, length, decision);
  }

  private listObjects(res: http.ServerResponse, bucket: string, q: URLSearchParams): void {
    const objects = this.bucket(bucket);
    const prefix = q.get("prefix") ?? "";
    const start = q.get("start");
    const end = q.get("end");
    const delimiter = q.get("delimiter");
    if (delimiter !== null && delimiter !== "/") throw new ApiError(400, "InvalidParameter", "Only '/' is supported as delimiter.");
    const limitRaw = q.get("limit");
    const limit = limitRaw === null ? 1000 : Number(limitRaw);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new ApiError(400, "InvalidParameter", "limit must be an integer within 1..1000.");
    const allowed = new Set(["name", "size", "etag", "timecreated", "md5", "timemodified", "storagetier", "archivalstate"]);
    const fields = new Set((q.get("fields") ?? "name").split(",").map((f) => f.trim().toLowerCase()).filter(Boolean));
    for (const f of fields) if (!allowed.has(f)) throw new ApiError(400, "InvalidParameter", `Unknown field '${f}' in fields.`);
    const names = [...objects.keys()]
      .filter((n) => n.startsWith(prefix) && (start === null || compareNames(n, start) >= 0) && (end === null || compareNames(n, end) < 0))
      .sort(compareNames);
    const out: Record<string, unknown>[] = [];
    const prefixes = new Set<string>();
    let nextStartWith: string | undefined;
    for (const n of names) {
      if (out.length + prefixes.size >= limit) {
        nextStartWith = n;
        break;
      }
      if (delimiter) {
        const rest = n.slice(prefix.length);
        const at = rest.indexOf(delimiter);
        if (at >= 0) {
          prefixes.add(prefix + rest.slice(0, at + 1));
          continue;
        }
      }
      const o = objects.get(n)!;
      const summary: Record<string, unknown> = { name: n };
      if (fields.has("size") && !this.quirks.listWithoutSize) summary.size = o.size;
      if (fields.has("etag")) summary.etag = o.etag;
      if (fields.has("md5") && !this.quirks.listWithoutMd5) summary.md5 = o.md5 ?? o.multipartMd5;
      if (fields.has("timecreated")) summary.timeCreated = o.created.toISOString();
      if (fields.has("timemodified")) summary.timeModified = o.modified.toISOString();
      if (fields.has("storagetier")) summary.storageTier = "Standard";
      out.push(summary);
    }
    res.setHeader("content-type", "application/json");
    const result: Record<string, unknown> = { objects: out, prefixes: [...prefixes] };
    if (nextStartWith !== undefined) result.nextStartWith = this.quirks.nextStartWithLastListed && out.length > 0 ? out[out.length - 1].name : nextStartWith;
    res.end(JSON.stringify(result));
  }

  private createUpload(res: http.ServerResponse, bucket: string, body: Buffer): void {
    let details: { object?: unknown; metadata?: Record<string, unknown>; contentType?: unknown };
    try {
      details = JSON.parse(body.toString("utf8"));
    } catch {
      throw new ApiError(400, "InvalidParameter", "The request body is not valid JSON.");
    }
    if (typeof details.object !== "string" || !details.object) throw new ApiError(400, "MissingParameter", "object is required.");
    const metadata: Record<string, string> = {};
    for (const [k, v] of Object.entries(details.metadata ?? {})) {
      if (!k.toLowerCase().startsWith("opc-meta-")) throw new ApiError(400, "InvalidParameter", `Metadata key '${k}' must be in opc-meta-* format.`);
      metadata[k.toLowerCase()] = String(v);
    }
    const upload: Upload = {
      uploadId: crypto.randomUUID(), bucket, object: details.object, created: new Date(), metadata,
      contentType: typeof details.contentType === "string" ? details.contentType : "application/octet-stream", parts: new Map(),
    };
    this.uploads.set(upload.uploadId, upload);
    res.setHeader("content-type", "application/json");
    res.setHeader("location", `/n/${this.namespace}/b/${bucket}/u/${encodeURIComponent(upload.object)}?uploadId=${upload.uploadId}`);
    res.end(JSON.stringify(this.uploadSummary(upload)));
  }

  private uploadSummary(u: Upload): Record<string, unknown> {
    return { namespace: this.namespace, bucket: u.bucket, object: u.object, uploadId: u.uploadId, timeCreated: u.created.toISOString(), storageTier: "Standard" };
  }

  private async uploadPart(req: http.IncomingMessage, res: http.ServerResponse, bucket: string, name: string, uploadId: string | null, partNum: string | null, decision: FaultDecision): Promise<void> {
    const u = this.upload(bucket, name, uploadId);
    const partNumber = Number(partNum);
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10000) throw new ApiError(400, "InvalidParameter", "uploadPartNum must be an integer within 1..10000.");
    const data = await this.receiveData(req, decision);
    if (!this.uploads.has(u.uploadId)) {
      await fsp.rm(data.file, { force: true });
      throw new ApiError(404, "NoSuchUpload", `The upload ${u.uploadId} was aborted.`);
    }
    const previous = u.parts.get(partNumber);
    const part: UploadPart = { partNumber, file: data.file, size: data.size, md5: data.md5, etag: crypto.randomUUID() };
    u.parts.set(partNumber, part);
    if (previous) await fsp.rm(previous.file, { force: true });
    res.setHeader("etag", part.etag);
    res.setHeader("opc-content-md5", part.md5);
    res.end();
  }

  private async commitUpload(res: http.ServerResponse, bucket: string, name: string, uploadId: string | null, body: Buffer): Promise<void> {
    const u = this.upload(bucket, name, uploadId);
    let details: { partsToCommit?: { partNum?: unknown; etag?: unknown }[]; partsToExclude?: unknown[] };
    try {
      details = JSON.parse(body.toString("utf8"));
    } catch {
      throw new ApiError(400, "InvalidParameter", "The request body is not valid JSON.");
    }
    const toCommit = details.partsToCommit ?? [];
    if (toCommit.length === 0) throw new ApiError(400, "InvalidParameter", "partsToCommit must list at least one part.");
    const parts: UploadPart[] = [];
    for (const p of toCommit) {
      const part = u.parts.get(Number(p.partNum));
      if (!part) throw new ApiError(400, "InvalidParameter", `Part ${p.partNum} was not uploaded.`);
      if (part.etag !== p.etag) throw new ApiError(400, "InvalidParameter", `The etag of part ${p.partNum} does not match.`);
      parts.push(part);
    }
    parts.sort((a, b) => a.partNumber - b.partNumber);
    for (let i = 1; i < parts.length; i++) {
      if (parts[i].partNumber === parts[i - 1].partNumber) throw new ApiError(400, "InvalidParameter", `Part ${parts[i].partNumber} is listed twice.`);
    }
    const file = this.newFile();
    const out = fs.createWriteStream(file);
    for (const part of parts) {
      for await (const chunk of fs.createReadStream(part.file)) {
        if (!out.write(chunk)) await once(out, "drain");
      }
    }
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    const digest = crypto.createHash("md5").update(Buffer.concat(parts.map((p) => Buffer.from(p.md5, "base64")))).digest("base64");
    const multipartMd5 = `${digest}-${parts.length}`;
    const now = new Date();
    const objects = this.bucket(bucket);
    const previous = objects.get(name);
    const o: StoredObject = {
      name, size: parts.reduce((s, p) => s + p.size, 0), file, multipartMd5, etag: crypto.randomUUID(),
      created: now, modified: now, metadata: u.metadata, contentType: u.contentType,
    };
    objects.set(name, o);
    this.uploads.delete(u.uploadId);
    await Promise.all([...u.parts.values()].map((p) => fsp.rm(p.file, { force: true })));
    if (previous) await fsp.rm(previous.file, { force: true });
    res.setHeader("opc-multipart-md5", multipartMd5);
    res.setHeader("etag", o.etag);
    res.setHeader("last-modified", now.toUTCString());
    res.end();
  }

  private page<T>(res: http.ServerResponse, items: T[], q: URLSearchParams): void {
    const limit = q.get("limit") === null ? 1000 : Number(q.get("limit"));
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new ApiError(400, "InvalidParameter", "limit must be an integer within 1..1000.");
    const offset = q.get("page") === null ? 0 : Number(q.get("page"));
    if (!Number.isInteger(offset) || offset < 0) throw new ApiError(400, "InvalidParameter", "page is not a valid page token.");
    const slice = items.slice(offset, offset + limit);
    if (offset + limit < items.length) res.setHeader("opc-next-page", String(offset + limit));
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify(slice));
  }

  private listUploads(res: http.ServerResponse, bucket: string, q: URLSearchParams): void {
    const uploads = [...this.uploads.values()].filter((u) => u.bucket === bucket).sort((a, b) => compareNames(a.object, b.object) || a.created.getTime() - b.created.getTime());
    this.page(res, uploads.map((u) => this.uploadSummary(u)), q);
  }

  private listParts(res: http.ServerResponse, bucket: string, name: string, uploadId: string | null, q: URLSearchParams): void {
    const u = this.upload(bucket, name, uploadId);
    const parts = [...u.parts.values()].sort((a, b) => a.partNumber - b.partNumber);
    this.page(res, parts.map((p) => ({ partNumber: p.partNumber, etag: p.etag, md5: p.md5, size: p.size })), q);
  }
}

/** The server in a child process (for benchmarks). */
export async function startOciServerProcess(options: { buckets: string[]; keys: { keyId: string; publicKey: crypto.KeyObject }[] }): Promise<{ endpoint: string; pid: number; close(): Promise<void> }> {
  const { spawn } = await import("child_process");
  const config = {
    buckets: options.buckets,
    keys: options.keys.map((k) => ({ keyId: k.keyId, pem: k.publicKey.export({ type: "spki", format: "pem" }).toString() })),
  };
  const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "oci-objectstorage-server-main.ts")], {
    env: { ...process.env, TUNDRA_OCI_SERVER: JSON.stringify(config) },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d) => {
      out += d;
      if (out.includes("\n")) resolve(JSON.parse(out.split("\n")[0]).port);
    });
    child.once("exit", (code) => reject(new Error(`OCI test server exited with ${code}`)));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
