import { execFile } from "child_process";
import * as http from "http";
import type { AddressInfo } from "net";
import * as path from "path";
import { promisify } from "util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkQueryParity, firstDifference } from "../../components/validation/parity";
import { parseValidationSpec } from "../../components/validation/spec";

const execFileAsync = promisify(execFile);
const root = path.resolve(__dirname, "../..");

type Handler = (req: http.IncomingMessage) => { status: number; body: string };

async function serve(handler: Handler): Promise<{ url: string; hosts: string[]; close(): Promise<void> }> {
  const hosts: string[] = [];
  const server = http.createServer((req, res) => {
    hosts.push(String(req.headers.host));
    const answer = handler(req);
    res.statusCode = answer.status;
    res.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  server.unref();
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hosts,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const answers: Record<string, string> = {
  "/q/revenue": JSON.stringify({ rows: 3, total: 1234.5, columns: ["region", "sum"] }),
  "/q/users": JSON.stringify({ rows: 42 }),
};

describe("query parity between the AWS and the OCI cluster", () => {
  let aws: Awaited<ReturnType<typeof serve>>;
  let oci: Awaited<ReturnType<typeof serve>>;
  let ociBroken: Awaited<ReturnType<typeof serve>>;

  beforeAll(async () => {
    aws = await serve((req) => ({ status: 200, body: answers[req.url!] ?? "{}" }));
    // The same data, keys in another order: JSON answers compare by value.
    oci = await serve((req) => {
      const parsed = JSON.parse(answers[req.url!] ?? "{}");
      const reordered = Object.fromEntries(Object.entries(parsed).reverse());
      return { status: 200, body: JSON.stringify(reordered) };
    });
    // A cluster that lost rows in one table and fails another query.
    ociBroken = await serve((req) =>
      req.url === "/q/users" ? { status: 200, body: JSON.stringify({ rows: 41 }) } : { status: 503, body: "overloaded" },
    );
  });
  afterAll(async () => {
    await Promise.all([aws.close(), oci.close(), ociBroken.close()]);
  });

  const queries = [
    { name: "revenue", path: "/q/revenue", method: "GET" as const },
    { name: "users", path: "/q/users", method: "GET" as const },
  ];

  it("passes when both sides answer the same, and sends the tenant's Host header", async () => {
    const result = await checkQueryParity({ awsUrl: aws.url, ociUrl: oci.url, hostHeader: "acme.tundra.example.com", queries, timeoutMs: 5000 });
    expect(result).toMatchObject({ check: "query-parity", ok: true, details: [] });
    expect(result.summary).toBe("2 of 2 queries answer the same on AWS and OCI");
    expect(oci.hosts.slice(-2)).toEqual(["acme.tundra.example.com", "acme.tundra.example.com"]);
  });

  it("fails naming each query that differs or has no answer", async () => {
    const result = await checkQueryParity({ awsUrl: aws.url, ociUrl: ociBroken.url, queries, timeoutMs: 5000 });
    expect(result.ok).toBe(false);
    expect(result.summary).toBe("0 of 2 queries answer the same on AWS and OCI");
    expect(result.details[0]).toMatch(/^revenue: no comparable answer \(aws 200 in \d+ ms, oci 503 in \d+ ms\)$/);
    expect(result.details[1]).toMatch(/^users: answers differ/);
    // The differing value itself, not only the two hashes.
    expect(result.details.slice(2)).toEqual([
      "  first difference at line 2:",
      "        {",
      '    aws |   "rows": 42',
      "    aws | }",
      '    oci |   "rows": 41',
      "    oci | }",
    ]);
  });

  it("a long answer shows a few lines around the first difference, each cut short", () => {
    const aws = Array.from({ length: 50 }, (_, i) => `row ${i} ${"x".repeat(200)}`).join("\n");
    const oci = aws.replace("row 30 ", "row 30 changed ");
    const lines = firstDifference(aws, oci);
    expect(lines[0]).toBe("first difference at line 31:");
    expect(lines.slice(1, 3).map((l) => l.trim().slice(0, 6))).toEqual(["row 28", "row 29"]);
    expect(lines.filter((l) => l.startsWith("  aws | row"))).toHaveLength(3);
    expect(lines).toContain("  oci | ... 17 more lines");
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(140);
    expect(firstDifference("a\nb", "a")).toEqual(["first difference at line 2:", "      a", "  aws | b", "  oci | (answer ends)"]);
  });

  it("fails when the OCI side does not answer at all", async () => {
    const result = await checkQueryParity({ awsUrl: aws.url, ociUrl: "http://127.0.0.1:9", queries: queries.slice(0, 1), timeoutMs: 2000 });
    expect(result.ok).toBe(false);
    expect(result.details[0]).toMatch(/^revenue: no comparable answer \(aws 200 in \d+ ms, oci .*ECONNREFUSED/);
  });

  describe("scripts/validate.ts", () => {
    async function runCli(spec: unknown): Promise<{ code: number; stdout: string; stderr: string }> {
      try {
        const { stdout, stderr } = await execFileAsync(process.execPath, ["--import", "tsx", "scripts/validate.ts"], {
          cwd: root,
          env: { ...process.env, TUNDRA_VALIDATION_SPEC: JSON.stringify(spec) },
          timeout: 60_000,
        });
        return { code: 0, stdout, stderr };
      } catch (err: any) {
        return { code: err.code, stdout: err.stdout, stderr: err.stderr };
      }
    }

    it("exits 0 with the report when every check passes", async () => {
      const run = await runCli({ tenant: "acme", generation: "g1", parity: { awsUrl: aws.url, ociUrl: oci.url, queries } });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("PASS  query-parity: 2 of 2 queries answer the same");
      expect(run.stdout).toContain("validation passed: 1 checks");
    });

    it("exits 1 and reports the failure, so the command resource blocks the cutover", async () => {
      const run = await runCli({ tenant: "acme", generation: "g1", parity: { awsUrl: aws.url, ociUrl: ociBroken.url, queries } });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain("FAIL  query-parity: 0 of 2");
      expect(run.stderr).toContain("validation FAILED: 1 of 1 checks");
    });

    it("exits 2 naming the fields of a bad spec", async () => {
      const run = await runCli({ tenant: "acme", generation: "g1", parity: { awsUrl: "not a url", ociUrl: oci.url, queries: [] } });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("parity.awsUrl:");
      expect(run.stderr).toContain("parity.queries: list at least one query to compare");
    });
  });

  it("rejects a spec that configures no check", () => {
    const parsed = parseValidationSpec({ tenant: "acme", generation: "g1" });
    expect(parsed).toEqual({ ok: false, errors: ["(spec): configure at least one check (parity)"] });
  });
});
