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
  /** The answer as compared (JSON: keys sorted, one value per line), for showing where it differs. */
  text: string;
  ms: number;
  error?: string;
}

/** JSON bodies compare by value (key order does not matter); anything else byte for byte. */
function canonical(body: string): string {
  try {
    return JSON.stringify(sortKeys(JSON.parse(body)), null, 2);
  } catch {
    return body; // not JSON: compare the raw bytes
  }
}

function digestOf(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

const DIFF_CONTEXT_LINES = 2;
const DIFF_SHOWN_LINES = 3;
const DIFF_LINE_CHARS = 120;

/**
 * Where two answers part: the first differing line (1-based), a few lines of context before it,
 * and a few lines of each side from there, each cut at DIFF_LINE_CHARS. An operator sees which
 * value differs without fetching both answers again.
 */
export function firstDifference(aws: string, oci: string): string[] {
  const a = aws.split("\n");
  const b = oci.split("\n");
  let at = 0;
  while (at < a.length && at < b.length && a[at] === b[at]) at += 1;
  const cut = (line: string) => (line.length > DIFF_LINE_CHARS ? `${line.slice(0, DIFF_LINE_CHARS)}...` : line);
  const from = Math.max(0, at - DIFF_CONTEXT_LINES);
  const lines = [`first difference at line ${at + 1}:`];
  for (let i = from; i < at; i++) lines.push(`      ${cut(a[i])}`);
  const side = (name: string, text: string[]) => {
    const shown = text.slice(at, at + DIFF_SHOWN_LINES);
    if (shown.length === 0) lines.push(`  ${name} | (answer ends)`);
    for (const line of shown) lines.push(`  ${name} | ${cut(line)}`);
    if (text.length > at + DIFF_SHOWN_LINES) lines.push(`  ${name} | ... ${text.length - at - DIFF_SHOWN_LINES} more lines`);
  };
  side("aws", a);
  side("oci", b);
  return lines;
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
    const text = canonical(response.body);
    return { status: response.status, digest: digestOf(text), text, ms: performance.now() - started };
  } catch (err) {
    return { status: 0, digest: "", text: "", ms: performance.now() - started, error: (err as Error).message };
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
      if (aws.digest !== oci.digest) details.push(...firstDifference(aws.text, oci.text).map((line) => `  ${line}`));
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
