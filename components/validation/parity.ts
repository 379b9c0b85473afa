// Query parity: the same queries against the AWS and the OCI endpoint must give the same
// answers before any traffic moves. (The seed's validator returned hard-coded counts; this
// one compares what both clusters actually answer.)
import { createHash } from "crypto";
import { requestText } from "./http-text";
import type { CheckResult } from "./report";

export interface ParityQuery {
  name: string;
  path: string;
  method: "GET" | "POST";
  body?: string;
}

export interface ParityOptions {
  awsUrl: string;
  ociUrl: string;
  /** Host header for both requests, so one virtual host answers on both sides. */
  hostHeader?: string;
  queries: ParityQuery[];
  timeoutMs: number;
}

interface Answer {
  status: number;
  digest: string;
  ms: number;
  error?: string;
}

/** JSON bodies compare by value (key order does not matter); anything else byte for byte. */
function canonicalDigest(body: string): string {
  let canonical = body;
  try {
    canonical = JSON.stringify(sortKeys(JSON.parse(body)));
  } catch {
    // not JSON: compare the raw bytes
  }
  return createHash("sha256").update(canonical).digest("hex").slice(0, 16);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  }
  return value;
}

async function ask(baseUrl: string, query: ParityQuery, opts: ParityOptions): Promise<Answer> {
  const started = performance.now();
  try {
    const response = await requestText(new URL(query.path, baseUrl).toString(), {
      method: query.method,
      body: query.body,
      headers: { ...(opts.hostHeader ? { host: opts.hostHeader } : {}), ...(query.body ? { "content-type": "application/json" } : {}) },
      timeoutMs: opts.timeoutMs,
    });
    return { status: response.status, digest: canonicalDigest(response.body), ms: performance.now() - started };
  } catch (err) {
    return { status: 0, digest: "", ms: performance.now() - started, error: (err as Error).message };
  }
}

export async function checkQueryParity(opts: ParityOptions): Promise<CheckResult> {
  const details: string[] = [];
  let matched = 0;
  for (const query of opts.queries) {
    const [aws, oci] = await Promise.all([ask(opts.awsUrl, query, opts), ask(opts.ociUrl, query, opts)]);
    const figures = `aws ${aws.status || aws.error} in ${aws.ms.toFixed(0)} ms, oci ${oci.status || oci.error} in ${oci.ms.toFixed(0)} ms`;
    if (aws.error || oci.error || aws.status >= 400 || oci.status >= 400) {
      details.push(`${query.name}: no comparable answer (${figures})`);
    } else if (aws.status !== oci.status || aws.digest !== oci.digest) {
      details.push(`${query.name}: answers differ (aws ${aws.status} ${aws.digest}, oci ${oci.status} ${oci.digest}; ${figures})`);
    } else {
      matched += 1;
    }
  }
  return {
    check: "query-parity",
    ok: opts.queries.length > 0 && matched === opts.queries.length,
    summary: opts.queries.length === 0 ? "no queries configured" : `${matched} of ${opts.queries.length} queries answer the same on AWS and OCI`,
    details,
  };
}
