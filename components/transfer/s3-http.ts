// S3 object requests (GetObject, HeadObject, PutObject, UploadPart) outside the SDK's middleware
// stack, as oci-http.ts does for OCI: what is sent is still the SDK's own work, only the per-request
// middleware (serialize, endpoint rules, auth scheme selection, retry, deserialize, checksums) is
// skipped. Why: on bench:sync that middleware cost more client CPU than the bytes did.
// - The endpoint is the client's own endpoint resolution (its endpointProvider with the parameters
//   the SDK derives from the client's config for the operation: path/virtual-hosted style, FIPS,
//   dual stack, custom endpoint), resolved once per bucket.
// - Keys are encoded as the SDK encodes the greedy label {Key+} (extendedEncodeURIComponent per
//   "/"-separated segment); the operation path and its x-id query are the SDK's.
// - Requests are signed by the SDK's SigV4 signer (@smithy/signature-v4) with the client's
//   credential provider and the endpoint's signing name and region. A streamed body is sent
//   unsigned: x-amz-content-sha256: UNSIGNED-PAYLOAD ("Signature Calculations for the Authorization
//   Header: Transferring Payload in a Single Chunk", Amazon S3 API reference,
//   https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html); integrity comes
//   from Content-MD5, which S3 checks (BadDigest).
// - Errors become the SDK's S3ServiceException with S3's XML error Code and Message ("Error
//   responses", https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html) and
//   $metadata.httpStatusCode, as the SDK's own would be (retry.ts reads them).
// - A body at or above the client's expectContinueHeader (default 2 MiB) is sent with
//   "Expect: 100-continue" as the SDK sends it, and only once S3 answers 100 Continue
//   (http-transport.ts): a PUT refused on its headers does not upload its body first.
// Anything the plain SigV4 path does not cover (S3 Express session auth, SigV4a multi-region access
// points) returns undefined from `objectTransport`, and the store keeps using the SDK.
import type * as http from "http";
import type { Readable } from "stream";
import type * as s3 from "@aws-sdk/client-s3";
import { errorText, sendSigned, type KeepAliveAgents } from "./http-transport";

type HttpRequest = import("@smithy/core/protocols").HttpRequest;

let loadedS3: typeof s3 | undefined;

/** @aws-sdk/client-s3, required on first use and kept (the S3 store's one way to reach it). */
export function s3Sdk(): typeof s3 {
  return (loadedS3 ??= require("@aws-sdk/client-s3") as typeof s3);
}

interface SdkParts {
  s3: typeof s3;
  endpoints: typeof import("@smithy/core/endpoints");
  protocols: typeof import("@smithy/core/protocols");
  SignatureV4: typeof import("@smithy/signature-v4").SignatureV4;
}
let loaded: SdkParts | undefined;

/**
 * The SDK's parts, required on first use (the SDK loads only when a store is used) and kept: a
 * require() per request resolved the package's exports map again each time (bench:sync's profile:
 * about a tenth of the small-objects copy's CPU).
 */
function sdk(): SdkParts {
  return (loaded ??= {
    s3: s3Sdk(),
    endpoints: require("@smithy/core/endpoints"),
    protocols: require("@smithy/core/protocols"),
    SignatureV4: require("@smithy/signature-v4").SignatureV4,
  });
}

export interface S3ObjectRequest {
  method: "GET" | "HEAD" | "PUT";
  /** The SDK's operation name (its x-id query value, named in errors). */
  operation: "GetObject" | "HeadObject" | "PutObject" | "UploadPart";
  /** The full key (prefix included). */
  key: string;
  query?: Record<string, string>;
  headers?: Record<string, string | undefined>;
  /** An upload body of exactly `contentLength` bytes. */
  body?: { stream: Readable; contentLength: number };
}

interface ResolvedEndpoint {
  url: URL;
  headers: Record<string, string>;
  signer: import("@smithy/signature-v4").SignatureV4;
  /** Bodies of this many bytes or more are sent with "Expect: 100-continue"; undefined: never. */
  expectContinueFrom?: number;
}

/**
 * The client's expectContinueHeader as a size: a number is the threshold, true every body, false
 * none. Default 2_097_152 (@aws-sdk/middleware-sdk-s3 s3Configuration: "avoids wasteful data
 * transmission for a request that is rejected").
 */
function expectContinueFrom(setting: boolean | number | undefined): number | undefined {
  if (setting === false) return undefined;
  if (setting === true) return 0;
  return setting ?? 2_097_152;
}

/** One bucket's endpoint, resolved once, and a signer for it. */
export class S3ObjectTransport {
  private constructor(private readonly endpoint: ResolvedEndpoint, private readonly agents: KeepAliveAgents) {}

  /**
   * The transport for `bucket` on `client`, or undefined when the endpoint needs signing other
   * than plain SigV4 (the SDK then does the work).
   */
  static async create(client: s3.S3Client, bucket: string, agents: KeepAliveAgents): Promise<S3ObjectTransport | undefined> {
    const { s3: clientS3, endpoints: { resolveParams }, SignatureV4 } = sdk();
    const config = client.config;
    // GetObject, PutObject, HeadObject and UploadPart share one set of endpoint parameters (Bucket, Key).
    const params = await resolveParams({ Bucket: bucket }, clientS3.GetObjectCommand, config as never);
    const resolved = config.endpointProvider(params as never);
    const schemes = (resolved.properties?.authSchemes ?? []) as Array<{ name?: string; signingName?: string; signingRegion?: string }>;
    const scheme = schemes[0];
    if (resolved.properties?.backend !== undefined || (scheme !== undefined && scheme.name !== "sigv4")) return undefined;
    const region = scheme?.signingRegion ?? (await config.region());
    const signer = new SignatureV4({
      credentials: config.credentials,
      region,
      service: scheme?.signingName ?? "s3",
      sha256: config.sha256,
      // S3 keys are signed as sent, not encoded twice (the S3 client's signingEscapePath is false).
      uriEscapePath: false,
      applyChecksum: true,
    });
    const headers: Record<string, string> = {};
    for (const [name, values] of Object.entries(resolved.headers ?? {})) headers[name.toLowerCase()] = (values as string[]).join(", ");
    const expectContinue = (config as { expectContinueHeader?: boolean | number }).expectContinueHeader;
    return new S3ObjectTransport({ url: new URL(resolved.url.toString()), headers, signer, expectContinueFrom: expectContinueFrom(expectContinue) }, agents);
  }

  /** The request's path as the SDK builds it: the endpoint's path, then the key as {Key+}. */
  private pathOf(key: string): string {
    const { extendedEncodeURIComponent } = sdk().protocols;
    const base = this.endpoint.url.pathname;
    const encoded = key.split("/").map(extendedEncodeURIComponent).join("/");
    return `${base.endsWith("/") ? base.slice(0, -1) : base}/${encoded}`;
  }

  /** Sends one signed request: the answer when it is a 2xx, else the SDK's S3ServiceException. */
  async send(req: S3ObjectRequest): Promise<http.IncomingMessage> {
    const { HttpRequest, buildQueryString } = sdk().protocols;
    const { url } = this.endpoint;
    const headers: Record<string, string> = { ...this.endpoint.headers, host: url.host };
    for (const [name, value] of Object.entries(req.headers ?? {})) if (value !== undefined) headers[name] = value;
    if (req.body) {
      headers["content-length"] = String(req.body.contentLength);
      headers["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD";
      // As the SDK does (its expectContinueHeader, by default for a body of 2 MiB or more): S3
      // refusing on the headers (403, 301 wrong region, 503 SlowDown) then costs a round trip, not
      // the whole body on every retry; sendSigned waits for 100 Continue. Added before signing as
      // the SDK's middleware does; SigV4 never signs Expect (signature-v4's ALWAYS_UNSIGNABLE_HEADERS).
      const from = this.endpoint.expectContinueFrom;
      if (from !== undefined && req.body.contentLength >= from) headers.expect = "100-continue";
    }
    const query: Record<string, string> = { "x-id": req.operation, ...req.query };
    if (req.method === "HEAD") delete query["x-id"]; // the SDK's HeadObject path has none
    const request = new HttpRequest({
      method: req.method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: this.pathOf(req.key),
      query,
      headers,
    });
    const signed = await this.endpoint.signer.sign(request) as HttpRequest;
    // The path and query as the SDK's NodeHttpHandler writes them (the path as signed, its query builder).
    const search = buildQueryString(query);
    const path = search ? `${signed.path}?${search}` : signed.path;
    const res = await sendSigned({ url, path, method: req.method, headers: signed.headers, body: req.body?.stream, operation: req.operation, agents: this.agents });
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) throw await s3ErrorFrom(res, req);
    return res;
  }
}

/** S3's error answer as the SDK would raise it: name = S3's error Code, $metadata.httpStatusCode. */
async function s3ErrorFrom(res: http.IncomingMessage, req: S3ObjectRequest): Promise<Error> {
  const { S3ServiceException } = sdk().s3;
  const status = res.statusCode ?? 0;
  const text = req.method === "HEAD" ? "" : await errorText(res);
  if (req.method === "HEAD") res.resume();
  const field = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(text)?.[1];
  // A HEAD answer has no body: the SDK names a 404 NotFound and any other such error Unknown
  // (@aws-sdk/core's loadRestXmlErrorCode); the status tells the rest.
  const code = field("Code") ?? (status === 404 ? "NotFound" : "Unknown");
  // A bucket in another region answers 301 PermanentRedirect (a HEAD with no body to say so) with
  // the bucket's region in x-amz-bucket-region: the header the SDK's own region redirect reads
  // (@aws-sdk/middleware-sdk-s3, region-redirect-middleware). Naming it is the fix.
  const bucketRegion = status === 301 ? res.headers["x-amz-bucket-region"] : undefined;
  const moved = typeof bucketRegion === "string" ? ` (the bucket is in ${bucketRegion}: set the S3 region to it)` : "";
  const message = unescapeXml(field("Message") ?? (text || res.statusMessage || `HTTP ${status}`)) + moved;
  const requestId = res.headers["x-amz-request-id"];
  const extendedRequestId = res.headers["x-amz-id-2"];
  const error = new S3ServiceException({
    name: code,
    $fault: status >= 500 ? "server" : "client",
    message: `${req.operation} ${req.key}: ${message}`,
    $metadata: {
      httpStatusCode: status,
      requestId: typeof requestId === "string" ? requestId : undefined,
      extendedRequestId: typeof extendedRequestId === "string" ? extendedRequestId : undefined,
    },
  });
  return Object.assign(error, { Code: code });
}

function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ({ lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" })[e]!);
}
