// GetObject bodies over node:http(s) instead of the SDK's fetch. The request is composed and signed
// by the SDK itself (composeRequest, DefaultRequestSigner: the same URL encoding, endpoint and
// signature as ObjectStorageClient.getObject, instance principals and session tokens included);
// only the transport differs. Why: the SDK answers with a WHATWG stream from undici that must be
// bridged to a Node stream, and that bridge and undici's body plumbing cost more CPU than the MD5
// of the bytes (bench:hydrate; docs/hydration.md). Errors become the SDK's own OciError.
import * as http from "http";
import * as https from "https";
import type * as ociCommon from "oci-common";
import type { ByteRange } from "./store";

/** Stall limit: a body that sends nothing for this long is dropped (and retried by the engine). */
const IDLE_TIMEOUT_MS = 60_000;

const agents = {
  "http:": new http.Agent({ keepAlive: true }),
  "https:": new https.Agent({ keepAlive: true }),
};

export interface SignedGet {
  /** The client's endpoint (client.endpoint; may hold the SDK's option templates). */
  endpoint: string;
  signer: ociCommon.DefaultRequestSigner;
  namespaceName: string;
  bucketName: string;
  objectName: string;
  range?: ByteRange;
  ifMatch?: string;
}

async function errorFrom(res: http.IncomingMessage, url: string): Promise<Error> {
  const common: typeof ociCommon = require("oci-common");
  let text = "";
  try {
    for await (const chunk of res) {
      if (text.length < 64 * 1024) text += chunk;
    }
  } catch {
    // the error body is a courtesy; the status says enough
  }
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
  return new common.OciError(res.statusCode ?? -1, code, message, typeof requestId === "string" ? requestId : null, "ObjectStorage", "getObject", new Date().toISOString(), url, "https://docs.oracle.com/iaas/api/#/en/objectstorage/20160918/Object/GetObject");
}

/** The object's body (200, or 206 for a range) as a Node stream; any other answer throws an OciError. */
export async function signedGetObject(req: SignedGet): Promise<http.IncomingMessage> {
  const common: typeof ociCommon = require("oci-common");
  const pathParams = { "{namespaceName}": req.namespaceName, "{bucketName}": req.bucketName, "{objectName}": req.objectName };
  // The endpoint resolved as the client resolves it for each call (dual stack only when asked by env).
  let endpoint = common.EndpointBuilder.updateEndpointTemplateForOptions(req.endpoint, undefined, false);
  endpoint = common.EndpointBuilder.populateServiceParamsInEndpoint(endpoint, pathParams, {}, new Set(["namespaceName", "bucketName", "objectName"]));
  const request = await common.composeRequest({
    baseEndpoint: endpoint,
    defaultHeaders: {},
    path: "/n/{namespaceName}/b/{bucketName}/o/{objectName}",
    method: "GET",
    pathParams,
    headerParams: {
      "if-match": req.ifMatch,
      range: req.range ? new common.Range(req.range.start, req.range.end, null) : undefined,
    },
    queryParams: {},
  });
  await req.signer.signHttpRequest(request);
  const url = new URL(request.uri);
  const agent = agents[url.protocol as keyof typeof agents];
  if (!agent) throw new Error(`Object Storage endpoint ${request.uri} is neither http nor https.`);
  const headers: Record<string, string> = {};
  request.headers.forEach((value: string, name: string) => (headers[name] = value));
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
    const send = url.protocol === "https:" ? https.request : http.request;
    const outgoing = send(url, { method: "GET", headers, agent }, resolve);
    // Socket inactivity until the body has ended: a stalled answer fails (and is retried), never hangs.
    outgoing.setTimeout(IDLE_TIMEOUT_MS, () => outgoing.destroy(Object.assign(new Error(`GetObject ${url.pathname}: nothing received for ${IDLE_TIMEOUT_MS / 1000} s`), { code: "ETIMEDOUT" })));
    outgoing.on("error", reject);
    outgoing.end();
  });
  const status = res.statusCode ?? 0;
  if (status !== 200 && status !== 206) throw await errorFrom(res, request.uri);
  return res;
}
