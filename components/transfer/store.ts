// The object-store interface the transfer engine drives. Three implementations: S3 (AWS SDK v3),
// OCI Object Storage (oci-objectstorage) and a local directory. Every store hides its SDK's quirks
// (encoding, pagination, checksum formats, body types) so that the engine never meets them.
//
// Keys are always relative to the store's root (bucket + prefix, or directory) and use "/" as
// separator. Listings are in ascending key order by UTF-8 bytes (what S3 and OCI return).
import * as crypto from "crypto";
import type { Readable } from "stream";

/** One object as a listing describes it. */
export interface ObjectInfo {
  /** Key relative to the store's root. */
  key: string;
  size: number;
  /**
   * Hex MD5 of the content, ONLY when the store knows it really is the content MD5 (a single-part
   * S3 ETag, OCI's md5 of a simple upload, a local file's recorded hash). Never a multipart ETag.
   */
  md5?: string;
  /**
   * A content-derived checksum stable across listings of the same bytes: the MD5 hex when known,
   * otherwise the store's multipart checksum in the canonical form "hex(md5 of part MD5s)-N"
   * (S3's multipart ETag; OCI's multipart MD5 converted from base64).
   * Used for the manifest digest. Undefined when the store has none (an unhashed local file).
   */
  checksum?: string;
  /** The store's entity tag (changes whenever the object is rewritten). */
  etag: string;
  /** Version id when the store has versioning, else undefined. */
  version?: string;
  /** Last modification time, epoch milliseconds. */
  lastModified?: number;
}

/** What HEAD returns: the listing fields plus the user metadata. */
export interface ObjectHead extends ObjectInfo {
  /** User metadata, lower-case keys without the protocol prefix (x-amz-meta-, opc-meta-). */
  metadata: Record<string, string>;
}

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive (HTTP Range semantics). */
  end: number;
}

export interface PutOptions {
  /** Exact length of the body in bytes. */
  size: number;
  /** Hex MD5 of the body: the store sends it (Content-MD5) so the server rejects corrupt bytes. */
  md5: string;
  metadata?: Record<string, string>;
}

export interface PutResult {
  etag: string;
  /** Hex MD5 the server reports for what it stored, when it reports one. */
  md5?: string;
}

export interface UploadedPart {
  partNumber: number;
  etag: string;
  /** Hex MD5 of the part's bytes (as sent with Content-MD5). */
  md5: string;
  size: number;
}

export interface CompleteResult {
  etag: string;
  /**
   * The store's checksum of the committed object as the server reports it, in the canonical
   * form "hex(md5(concatenated part MD5s))-N" (OCI's opc-multipart-md5 converted from base64,
   * the ETag on AWS S3), or the plain content MD5 hex (s3rver, a local directory).
   */
  checksum?: string;
}

export interface OpenUpload {
  key: string;
  uploadId: string;
  /** Epoch milliseconds when the upload was created, when known. */
  created?: number;
}

/** A part an open upload already holds, as the store lists it (S3 ListParts, OCI ListMultipartUploadParts). */
export interface ListedPart {
  partNumber: number;
  etag: string;
  /** Hex MD5 of the part's bytes when the store reports it (OCI always; S3 when the part's ETag is its MD5). */
  md5?: string;
  size: number;
}

/** Multipart primitives; the engine decides part sizes, concurrency, retries and abort. */
export interface MultipartApi {
  /**
   * True when uploadPart() hashes the part while it writes and returns its MD5 (a local
   * directory): the engine then streams ranged reads straight in, without buffering or hashing.
   */
  readonly hashesParts?: boolean;
  readonly minPartSize: number;
  readonly maxPartSize: number;
  readonly maxParts: number;
  create(key: string, metadata: Record<string, string>): Promise<string>;
  /**
   * `offset` is the part's first byte in the object (a local directory writes there). `md5` is
   * required unless `hashesParts`; the answer carries the part's MD5 when the store computed it.
   */
  uploadPart(key: string, uploadId: string, partNumber: number, body: Readable, opts: { size: number; md5?: string; offset: number }): Promise<{ etag: string; md5?: string }>;
  /** `contentMd5` is the whole object's hex MD5 when the engine computed it while reading. */
  complete(key: string, uploadId: string, parts: UploadedPart[], opts?: { contentMd5?: string }): Promise<CompleteResult>;
  abort(key: string, uploadId: string): Promise<void>;
  /** Uploads still open under the store's root (to clean up after a killed run). */
  listOpen(): AsyncIterable<OpenUpload>;
  /**
   * The parts an open upload holds, in part order (to continue a killed run's upload instead of
   * sending every part again). Absent when the store cannot list them.
   */
  listParts?(key: string, uploadId: string): Promise<ListedPart[]>;
}

export interface ObjectStore {
  /** Human-readable location, e.g. "s3://bucket/prefix/" or "oci://ns/bucket/prefix/". */
  readonly description: string;
  /** Every object under the root, paginated underneath, in ascending key order. */
  list(): AsyncIterable<ObjectInfo>;
  /** undefined when the object does not exist. */
  head(key: string): Promise<ObjectHead | undefined>;
  /**
   * The object's bytes (or the range) as a stream. With `ifMatch`, the store refuses (412) when
   * the object's entity tag changed, so resumed range reads never mix two versions.
   */
  get(key: string, range?: ByteRange, opts?: { ifMatch?: string }): Promise<Readable>;
  /** Single upload from a stream of known length and MD5. */
  put(key: string, body: Readable, opts: PutOptions): Promise<PutResult>;
  delete(key: string): Promise<void>;
  multipart: MultipartApi;
  /**
   * Hashes the stored bytes when the listing carries no MD5 (a local directory can do this
   * cheaply; remote stores leave it undefined).
   */
  computeMd5?(key: string): Promise<string>;
  /**
   * True when put() itself rejects a body whose MD5 is not `opts.md5` and reports the MD5 it
   * stored (a local directory hashes while it writes). The engine then does not hash the same
   * stream a second time: on one core, MD5 is the most expensive step of a local copy.
   */
  readonly verifiesContentMd5?: boolean;
  /**
   * True when put() answers with the MD5 the store computed over what it stored (S3's ETag of a
   * single PUT without SSE-KMS/SSE-C, OCI's opc-content-md5, a local directory). Comparing that
   * with the source's MD5 verifies the copy end to end, so the engine need not hash the stream.
   */
  readonly reportsStoredMd5?: boolean;
  /**
   * The part size a multipart object was uploaded with, when the store can tell for sure (S3:
   * HEAD with partNumber=1; OCI: the part size the engine recorded in the object's metadata).
   * Knowing it, the engine reads the object part by part and checks each part's MD5 against
   * the object's multipart checksum. undefined when unknown.
   */
  partSizeOf?(key: string): Promise<number | undefined>;
  /**
   * What the operator can do about `problem`, in this store's own terms (an S3 bucket's SSE-KMS,
   * an OCI endpoint that is not the service, a stale local sidecar); undefined when nothing
   * store-specific applies. Errors append it, so that no store is given another store's advice.
   */
  hint?(problem: StoreProblem): string | undefined;
}

/** Problems whose remedy depends on the kind of store (see ObjectStore.hint). */
export type StoreProblem =
  /** The listing gave an entry without a size. */
  | "listing-without-size"
  /** The listing gave a key twice or out of order (a repeated or skipped page). */
  | "listing-out-of-order"
  /** The bytes read do not hash to the MD5 the listing gave. */
  | "listed-md5-wrong"
  /** A put the store should answer with the MD5 of what it stored was answered without one. */
  | "stored-md5-missing"
  /** A put was answered with an MD5 that is not the one of the bytes sent. */
  | "stored-md5-wrong";

/** `message` followed by the store's own hint for `problem`, if it has one. */
export function withStoreHint(store: Pick<ObjectStore, "hint">, problem: StoreProblem, message: string): string {
  const hint = store.hint?.(problem);
  return hint ? `${message} ${hint}` : message;
}

/** A listing entry as a store's API returned it: the size may be missing (emulators omit it). */
export type ListedEntry = Omit<ObjectInfo, "size"> & { size: number | undefined };

/**
 * A listing the engine cannot trust: an entry without a size (taking it for 0 bytes would copy
 * empty objects and report them copied), or a key listed twice or out of order. Never retried.
 */
export class ListingError extends Error {
  constructor(readonly store: string, readonly key: string, message: string) {
    super(message);
    this.name = "ListingError";
  }
}

/**
 * The one check every store's list() passes its entries through: each entry has a size (a
 * non-negative integer), and keys come strictly ascending by UTF-8 bytes (the order S3 and OCI
 * document), so a key listed twice, or a page repeated by an endpoint's pagination, is an error
 * naming the store and the key rather than an object copied twice or as 0 bytes.
 */
export async function* checkedListing(store: Pick<ObjectStore, "description" | "hint">, entries: AsyncIterable<ListedEntry>): AsyncIterable<ObjectInfo> {
  let previous: string | undefined;
  for await (const entry of entries) {
    const key = entry.key;
    if (previous !== undefined && compareKeys(key, previous) <= 0) {
      const what = key === previous ? `listed ${JSON.stringify(key)} twice` : `listed ${JSON.stringify(key)} after ${JSON.stringify(previous)}, out of ascending order`;
      throw new ListingError(store.description, key, withStoreHint(store, "listing-out-of-order", `${store.description} ${what}: a listing that repeats or skips keys cannot be trusted.`));
    }
    const size = entry.size;
    if (size === undefined || !Number.isSafeInteger(size) || size < 0) {
      const got = size === undefined ? "without a size" : `with the size ${JSON.stringify(size)}`;
      throw new ListingError(store.description, key, withStoreHint(store, "listing-without-size", `${store.description} listed ${JSON.stringify(key)} ${got}: the engine never assumes an object's size.`));
    }
    previous = key;
    yield { ...entry, size };
  }
}

/** Metadata keys the engine writes on every object it copies (the recorded source identity). */
export const SOURCE_METADATA = {
  /** Source object's entity tag (quotes stripped). */
  etag: "tundra-source-etag",
  /** Source object's size in bytes. */
  size: "tundra-source-size",
  /** Source object's version id, when the source is versioned. */
  version: "tundra-source-version",
  /** Hex MD5 of the content when the engine knew it before upload. */
  md5: "tundra-content-md5",
  /** Part size of a multipart upload the engine made (so a reader can check its multipart checksum). */
  partSize: "tundra-part-size",
} as const;

/** An error whose retry makes sense (throttling, 5xx, dropped connection, corrupted transfer). */
export class TransientStoreError extends Error {
  constructor(message: string, readonly status?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TransientStoreError";
  }
}

/** A store that verifies MD5s itself (verifiesContentMd5) refused a body whose bytes hash to `actualMd5`. */
export class ContentMd5MismatchError extends Error {
  constructor(message: string, readonly actualMd5: string) {
    super(message);
    this.name = "ContentMd5MismatchError";
  }
}

/** Hex <-> base64 for MD5 values (Content-MD5 is base64, our fields are hex). */
export function md5HexToBase64(hex: string): string {
  return Buffer.from(hex, "hex").toString("base64");
}

export function md5Base64ToHex(b64: string): string {
  return Buffer.from(b64, "base64").toString("hex");
}

/** The canonical multipart checksum: hex(md5(concatenated binary part MD5s)) + "-" + part count. */
export function multipartChecksum(partMd5s: string[]): string {
  const digest = crypto.createHash("md5").update(Buffer.concat(partMd5s.map((m) => Buffer.from(m, "hex")))).digest("hex");
  return `${digest}-${partMd5s.length}`;
}

/** The part count of a canonical multipart checksum ("hex-N"), else undefined. */
export function multipartPartCount(checksum: string | undefined): number | undefined {
  const m = checksum === undefined ? null : /^[0-9a-f]{32}-(\d+)$/i.exec(checksum);
  return m ? Number(m[1]) : undefined;
}

/** True for a 32-digit hex MD5 (not a multipart "-N" ETag). */
export function isPlainMd5Hex(value: string | undefined): value is string {
  return value !== undefined && /^[0-9a-f]{32}$/i.test(value);
}

/** Joins a store root prefix and a relative key. */
export function joinKey(prefix: string, key: string): string {
  if (!prefix) return key;
  return prefix.endsWith("/") ? prefix + key : `${prefix}/${key}`;
}

/**
 * Compares keys by UTF-8 bytes, the order S3 and OCI list in, without encoding them: planning
 * compares twice per listed key, and encoding both keys was about 0.45 s of 6.8 s CPU at 300,000
 * keys in bench:plan's profile. UTF-8 byte order is code point order; UTF-16 code units are in
 * that order too, except that a surrogate (half of a code point above U+FFFF) sorts below
 * U+E000-U+FFFF: the first differing code units are ranked so that it sorts above them.
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit < 0xe000 ? unit + 0x2000 : unit - 0x800;
}
