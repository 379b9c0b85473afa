// The transport under the object-body requests that skip an SDK's own (oci-http.ts for OCI,
// s3-http.ts for S3): the SDK composes and signs each request, node:http(s) carries it over
// keep-alive sockets. Shared so that both stores get the same socket pooling, timeouts and body
// plumbing.
import * as http from "http";
import * as https from "https";
import type { Readable } from "stream";

/** Socket inactivity limit: an answer that stalls this long fails (and is retried), never hangs. */
export const IDLE_TIMEOUT_MS = 60_000;

export interface KeepAliveAgents {
  "http:": http.Agent;
  "https:": https.Agent;
}

// `timeout` also bounds idle pooled sockets, and only with it does Node honour a server's
// "Keep-Alive: timeout=N" hint (closing the socket a second before the server would). Without it
// a socket idle for as long as the server's limit was reused as the server closed it: in
// bench:sync 16 PUTs at once failed with "socket hang up" on reused sockets.
export function keepAliveAgents(maxSockets?: number): KeepAliveAgents {
  return {
    "http:": new http.Agent({ keepAlive: true, timeout: IDLE_TIMEOUT_MS, maxSockets }),
    "https:": new https.Agent({ keepAlive: true, timeout: IDLE_TIMEOUT_MS, maxSockets }),
  };
}

const sharedAgents = keepAliveAgents();

export interface SignedRequest {
  url: URL;
  /** The path and query as signed, sent verbatim (a URL would resolve "." and ".." segments of a key). */
  path?: string;
  method: string;
  /** The signed headers, sent as they are. */
  headers: Record<string, string>;
  /** An upload body of exactly the content-length given in `headers`. */
  body?: Readable;
  /** The API operation, named in a timeout's error. */
  operation: string;
  /** Sockets to use (default: pools shared by every caller without their own). */
  agents?: KeepAliveAgents;
}

/** Sends one signed request and resolves with the answer, whatever its status. */
export function sendSigned(req: SignedRequest): Promise<http.IncomingMessage> {
  const { url } = req;
  const agent = (req.agents ?? sharedAgents)[url.protocol as keyof KeepAliveAgents];
  if (!agent) return Promise.reject(new Error(`Endpoint ${url.origin} is neither http nor https.`));
  // A body that already failed (the source's GET dropped while this request was being signed,
  // perhaps behind a credential refresh) has emitted its 'error' and 'close': no listener below
  // would hear of it and pipe() would send nothing until IDLE_TIMEOUT_MS. Fail at once with its error.
  const dead = req.body && failedBody(req.body, req, url);
  if (dead) return Promise.reject(dead);
  return new Promise<http.IncomingMessage>((resolve, reject) => {
    const send = url.protocol === "https:" ? https.request : http.request;
    const outgoing = send(url, { method: req.method, headers: req.headers, agent, ...(req.path !== undefined ? { path: req.path } : {}) }, resolve);
    // Socket inactivity until the answer has ended: a stalled request fails (and is retried), never hangs.
    outgoing.setTimeout(IDLE_TIMEOUT_MS, () => outgoing.destroy(Object.assign(new Error(`${req.operation} ${url.pathname}: nothing moved for ${IDLE_TIMEOUT_MS / 1000} s`), { code: "ETIMEDOUT" })));
    outgoing.on("error", reject);
    if (req.body) {
      const body = req.body;
      // A body that fails aborts the request: the service never stores a short upload; a request
      // that fails ends the body. pipe() and two listeners, not pipeline(): pipeline aborts an
      // AbortController of its own when it finishes, a DOMException with its stack per request
      // (bench:sync's profile: ~2% of the small-objects copy).
      body.once("error", (err) => outgoing.destroy(err));
      body.once("close", () => {
        if (!body.readableEnded) outgoing.destroy(prematureClose(req, url));
      });
      outgoing.once("error", (err) => body.destroy(err));
      if (header(req.headers, "expect") === "100-continue") sendAfterContinue(outgoing, body);
      else body.pipe(outgoing);
    } else {
      outgoing.end();
    }
  });
}

/**
 * How long a request sent with "Expect: 100-continue" waits for the server's 100 Continue before
 * sending its body anyway, as the SDK's NodeHttpHandler does (@smithy/node-http-handler
 * writeRequestBody: at least 6 s): a server or proxy that never answers 100 still gets the body.
 */
const CONTINUE_WAIT_MS = 6_000;

/**
 * Pipes `body` once the server has said 100 Continue (node:http's 'continue'). A final answer
 * first (S3 refusing the request on its headers: 403, 301, 503 SlowDown) means the body is never
 * sent; the request then cannot be finished on that connection, so it is closed once the answer
 * has been read. The body is left to the caller (the copy ends it with its failure).
 */
function sendAfterContinue(outgoing: http.ClientRequest, body: Readable): void {
  let waiting = true;
  const send = () => {
    if (!waiting) return;
    waiting = false;
    clearTimeout(timer);
    body.pipe(outgoing);
  };
  const timer = setTimeout(send, CONTINUE_WAIT_MS);
  outgoing.once("continue", send);
  outgoing.once("response", (res: http.IncomingMessage) => {
    if (!waiting) return;
    waiting = false;
    clearTimeout(timer);
    res.once("close", () => outgoing.destroy());
  });
  outgoing.once("close", () => {
    waiting = false;
    clearTimeout(timer);
  });
}

/** Why `body` can no longer be sent: its error, or that it closed before its end; undefined while it can. */
function failedBody(body: Readable, req: SignedRequest, url: URL): Error | undefined {
  if (body.errored) return body.errored;
  if (body.destroyed && !body.readableEnded) return prematureClose(req, url);
  return undefined;
}

function prematureClose(req: SignedRequest, url: URL): Error {
  return Object.assign(new Error(`${req.operation} ${url.pathname}: the body closed before its end`), { code: "ERR_STREAM_PREMATURE_CLOSE" });
}

/** An error answer's body as text (the first 64 KiB); empty when it cannot be read. */
export async function errorText(res: http.IncomingMessage): Promise<string> {
  let text = "";
  try {
    for await (const chunk of res) {
      if (text.length < 64 * 1024) text += chunk;
    }
  } catch {
    // the error body is a courtesy; the status says enough
  }
  return text;
}

/** The answer's headers once its (empty) body has been read, so the connection goes back to the pool. */
export async function headersAfterBody(res: http.IncomingMessage): Promise<http.IncomingHttpHeaders> {
  for await (const _ of res) {
    // drain
  }
  return res.headers;
}

/** One header as a string (the first when repeated), or undefined. */
export function header(headers: http.IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
