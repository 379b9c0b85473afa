import * as http from "http";
import type { AddressInfo } from "net";
import { afterEach, describe, expect, it } from "vitest";
import { S3Store } from "../../components/transfer/s3-store";

// S3Store.multipart.listParts (resuming a killed run's upload) against ListParts answers as the AWS
// S3 API reference gives them (ListPartsResult: Part/PartNumber, ETag, Size; IsTruncated and
// NextPartNumberMarker across pages). s3rver has no ListParts, hence this stand-in.
const md5s = ["0cc175b9c0f1b6a831c399e269772661", "92eb5ffee6ae2fec3ad71c777531578f", "4a8a08f09d37b73795649038408b5f33"];

function listPartsPage(parts: number[], next: number | undefined): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Bucket>bucket</Bucket><Key>pre/big.bin</Key><UploadId>upload-1</UploadId>
  <MaxParts>2</MaxParts><IsTruncated>${next !== undefined}</IsTruncated>${next !== undefined ? `<NextPartNumberMarker>${next}</NextPartNumberMarker>` : ""}
  ${parts.map((n) => `<Part><PartNumber>${n}</PartNumber><LastModified>2026-12-06T09:00:00.000Z</LastModified><ETag>"${md5s[n - 1]}"</ETag><Size>${n === 3 ? 1000 : 5242880}</Size></Part>`).join("\n  ")}
</ListPartsResult>`;
}

describe("S3Store.multipart.listParts", () => {
  let server: http.Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  async function start(): Promise<{ endpoint: string; queries: URLSearchParams[] }> {
    const queries: URLSearchParams[] = [];
    server = http.createServer((req, res) => {
      const url = new URL(req.url!, "http://x");
      queries.push(url.searchParams);
      const marker = url.searchParams.get("part-number-marker");
      const ok = req.method === "GET" && url.pathname === "/bucket/pre/big.bin" && url.searchParams.get("uploadId") === "upload-1";
      res.writeHead(ok ? 200 : 400, { "content-type": "application/xml" });
      res.end(ok ? (marker === "2" ? listPartsPage([3], undefined) : listPartsPage([1, 2], 2)) : "<Error><Code>InvalidRequest</Code></Error>");
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, queries };
  }

  const store = (endpoint: string, etagIsMd5 = true) =>
    new S3Store({ endpoint, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: "a", secretAccessKey: "s" }, bucket: "bucket", prefix: "pre", etagIsMd5 });

  it("follows NextPartNumberMarker across pages; each part's ETag is its MD5", async () => {
    const { endpoint, queries } = await start();
    const parts = await store(endpoint).multipart.listParts!("big.bin", "upload-1");
    expect(parts).toEqual([
      { partNumber: 1, etag: md5s[0], size: 5242880, md5: md5s[0] },
      { partNumber: 2, etag: md5s[1], size: 5242880, md5: md5s[1] },
      { partNumber: 3, etag: md5s[2], size: 1000, md5: md5s[2] },
    ]);
    expect(queries.map((q) => q.get("part-number-marker"))).toEqual([null, "2"]);
  });

  it("gives no MD5 when the bucket's ETags are not MD5s (SSE-KMS / SSE-C): no part can be kept", async () => {
    const { endpoint } = await start();
    const parts = await store(endpoint, false).multipart.listParts!("big.bin", "upload-1");
    expect(parts.map((p) => p.md5)).toEqual([undefined, undefined, undefined]);
  });
});
