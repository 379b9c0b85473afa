// A plain HTTP(S) request that honours a Host header. Node's fetch drops `host` silently
// (it is a forbidden header name), which would send probes to the wrong virtual host.
import * as http from "http";
import * as https from "https";

export interface TextRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

export interface TextResponse {
  status: number;
  body: string;
}

export function requestText(url: string, req: TextRequest): Promise<TextResponse> {
  const target = new URL(url);
  const transport = target.protocol === "https:" ? https : http;
  const host = req.headers?.host ?? req.headers?.Host;
  return new Promise((resolve, reject) => {
    const request = transport.request(
      target,
      {
        method: req.method ?? "GET",
        headers: { ...req.headers, ...(req.body ? { "content-length": Buffer.byteLength(req.body).toString() } : {}) },
        // TLS must present the name the Host header asks for, not the address we connect to.
        ...(host && target.protocol === "https:" ? { servername: host.split(":")[0] } : {}),
        timeout: req.timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk) => chunks.push(chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        response.on("error", reject);
      },
    );
    request.on("timeout", () => request.destroy(new Error(`no answer within ${req.timeoutMs} ms`)));
    request.on("error", reject);
    request.end(req.body);
  });
}
