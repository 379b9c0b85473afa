// Object bodies (GetObject, PutObject, UploadPart) over node:http(s) instead of the SDK's fetch.
// Each request is composed by the SDK itself (EndpointBuilder, composeRequest: the same endpoint
// and URL encoding as ObjectStorageClient) and carries the SDK's signature, with instance
// principals and session tokens, and upload bodies left out of it as the SDK leaves them out
// (oci-signer.ts: the same bytes as DefaultRequestSigner, the key parsed once); only the transport
// differs. Why: the SDK's fetch hands bodies over as WHATWG streams through undici, and bridging
// them to and from Node streams cost more CPU than the MD5 of the bytes (bench:hydrate,
// docs/hydration.md). Errors become the SDK's own OciError.
import type * as http from "http";
import type * as ociCommon from "oci-common";
import type { Readable } from "stream";
import { errorText, sendSigned } from "./http-transport";
import type { BodyRequestSigner } from "./oci-signer";

export { header, headersAfterBody } from "./http-transport";

export interface ObjectRequest {
  /** The client's endpoint (client.endpoint; may hold the SDK's option templates). */
  endpoint: string;
  signer: BodyRequestSigner;
  method: "GET" | "PUT";
  /** The API path template, e.g. "/n/{namespaceName}/b/{bucketName}/o/{objectName}". */
  path: string;
  /** Values for the template, keyed "{name}" like the SDK's (encoded by composeRequest). */
  pathParams: Record<string, string>;
  /** Sent as given: the SDK does not encode query values, so callers encode them. */
  queryParams?: Record<string, string | number>;
  /** Headers; undefined values are left out (as the SDK leaves them out). */
  headerParams?: Record<string, string | number | ociCommon.Range | undefined>;
  /** An upload body of exactly `contentLength` bytes (PUT). */
  body?: { stream: Readable; contentLength: number };
  /** The API operation, named in errors ("GetObject", "PutObject", "UploadPart"). */
  operation: string;
}

async function errorFrom(res: http.IncomingMessage, url: string, operation: string): Promise<Error> {
  const common: typeof ociCommon = require("oci-common");
  const text = await errorText(res);
  let code = "None";
  let message = text || res.statusMessage || `HTTP ${res.statusCode}`;
  try {
    const body = JSON.parse(text) as { code?: unknown; message?: unknown };
    if (typeof body.code === "string") code = body.code;
    if (typeof body.message === "string") message = body.message;
  } catch {
    // not JSON: keep the text
  }
  const requestId = res.headers["opc-request-id"];
  const reference = `https://docs.oracle.com/iaas/api/#/en/objectstorage/20160918/${operation === "UploadPart" ? "MultipartUpload" : "Object"}/${operation}`;
  const name = operation[0].toLowerCase() + operation.slice(1);
  return new common.OciError(res.statusCode ?? -1, code, message, typeof requestId === "string" ? requestId : null, "ObjectStorage", name, new Date().toISOString(), url, reference);
}

/** Sends one signed Object Storage request: the answer when it is a 2xx, else an OciError. */
export async function sendObjectRequest(req: ObjectRequest): Promise<http.IncomingMessage> {
  const common: typeof ociCommon = require("oci-common");
  const queryParams = req.queryParams ?? {};
  // The endpoint resolved as the client resolves it for each call (dual stack only when asked by env).
  let endpoint = common.EndpointBuilder.updateEndpointTemplateForOptions(req.endpoint, undefined, false);
  const required = new Set(Object.keys(req.pathParams).map((name) => name.slice(1, -1)));
  endpoint = common.EndpointBuilder.populateServiceParamsInEndpoint(endpoint, req.pathParams, queryParams, required);
  const request = await common.composeRequest({
    baseEndpoint: endpoint,
    defaultHeaders: {},
    path: req.path,
    method: req.method,
    pathParams: req.pathParams,
    headerParams: req.headerParams ?? {},
    queryParams,
  });
  // Set here, not in headerParams: composeRequest drops a zero, and an empty upload needs it.
  if (req.body) request.headers.set("content-length", String(req.body.contentLength));
  // Upload bodies are not part of an Object Storage signature (the SDK signs uploads the same way);
  // a GET has none.
  await req.signer.signHttpRequest(request, true);
  const headers: Record<string, string> = {};
  request.headers.forEach((value: string, name: string) => (headers[name] = value));
  const res = await sendSigned({ url: new URL(request.uri), method: req.method, headers, body: req.body?.stream, operation: req.operation });
  const status = res.statusCode ?? 0;
  if (status < 200 || status >= 300) throw await errorFrom(res, request.uri, req.operation);
  return res;
}
