import { spawn } from "child_process";
import * as crypto from "crypto";
import * as path from "path";
import { Readable } from "stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalDirectoryStore, sync } from "../../components/transfer";
import { S3Store } from "../../components/transfer/s3-store";
import { hashAll, writeOciConfigFile } from "../support/store-helpers";
import { startTransferRig, type TransferRig } from "../support/transfer-rig";

// `npm run sync` killed again and again in the middle of a large object: each run continues the
// multipart upload the killed one left open. A part the upload already holds is never sent again
// (its MD5 is checked against the source's bytes for that range); only the parts in flight at a
// kill are. Uploads whose source changed, or whose parts are not this source's, are aborted.
const MiB = 1024 * 1024;
const PART = 5 * MiB;
const LARGE = "large/object-0.bin";
const PARTS = 8;
const root = path.resolve(__dirname, "../..");

describe("scripts/sync.ts continues a killed run's multipart upload", () => {
  let rig: TransferRig | undefined;
  let { tmp, corpus, s3, oci } = {} as TransferRig; // the rig's parts, set in beforeAll
  let configFile: string;

  beforeAll(async () => {
    ({ tmp, corpus, s3, oci } = rig = await startTransferRig({ name: "transfer-resume", corpus: { small: 3, large: [PARTS * PART - 12345] }, s3: { buckets: ["src"] }, ociBuckets: ["tenant"] }));
    for (const prefix of ["t1", "t2"]) await sync(new LocalDirectoryStore(path.join(tmp, "corpus")), new S3Store({ ...s3.clientOptions, bucket: "src", prefix }));
    configFile = await writeOciConfigFile(tmp, rig.auth);
  });
  afterAll(() => rig?.close());

  function runScript(from: string, to: string, extra: string[] = []) {
    return spawn(process.execPath, [
      "--import", "tsx", path.join(root, "scripts", "sync.ts"),
      "--from", `s3://src/${from}`, "--to", `oci://testns/tenant/${to}`,
      "--s3-endpoint", s3.endpoint, "--s3-region", "us-east-1",
      "--oci-auth", "api_key", "--oci-config", configFile, "--oci-endpoint", oci.endpoint,
      "--multipart-threshold-mib", "5", "--part-size-mib", "5", "--concurrency", "2", "--part-concurrency", "2",
      "--no-progress", "--json", ...extra,
    ], { cwd: root, env: { ...process.env, AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER" }, stdio: ["ignore", "pipe", "pipe"] });
  }

  async function finish(child: ReturnType<typeof runScript>): Promise<{ code: number | null; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => (stdout += d));
    child.stderr!.on("data", (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    return { code, stdout, stderr };
  }

  const openUploadOf = (name: string) => oci.openUploads().find((u) => u.bucket === "tenant" && u.object === name);

  /** Part uploads the server accepted (HTTP 200) since request index `from`: part number -> upload id. */
  function acceptedParts(from: number): { partNumber: number; uploadId: string }[] {
    return oci.requests.slice(from).filter((r) => r.method === "PUT" && r.status === 200 && r.url.includes("uploadPartNum=")).map((r) => {
      const q = new URL(r.url, "http://x").searchParams;
      return { partNumber: Number(q.get("uploadPartNum")), uploadId: q.get("uploadId")! };
    });
  }

  /** Starts a run and kills it (SIGKILL) once the open upload holds `moreParts` more parts than before it. */
  async function runAndKill(from: string, to: string, moreParts: number, extra: string[] = []): Promise<void> {
    const name = `${to}/${LARGE}`;
    const before = (() => {
      const u = openUploadOf(name);
      return u ? oci.uploadedParts(u.uploadId).length : 0;
    })();
    const child = runScript(from, to, extra);
    const done = finish(child);
    const deadline = Date.now() + 60_000;
    const held = () => {
      const u = openUploadOf(name);
      return u ? oci.uploadedParts(u.uploadId).length : 0;
    };
    while (Date.now() < deadline && held() < before + moreParts) await new Promise((r) => setTimeout(r, 10));
    child.kill("SIGKILL");
    await done;
  }

  it.each([
    { way: "source MD5 known: read in order", from: "t1", to: "ordered", extra: [] as string[] },
    { way: "source MD5 unknown: ranged reads", from: "t1", to: "ranged", extra: ["--s3-etag-not-md5"] },
  ])("$way: killed three times mid-object, no part the upload held is sent again, the object verifies", async ({ from, to, extra }) => {
    oci.faults.configure({ slow: 1, slowMs: 300, applies: (req) => req.method === "PUT" });
    const start = oci.requests.length;
    const heldAtKill: number[][] = [];
    const marks: number[] = [];
    for (let kill = 0; kill < 3; kill++) {
      await runAndKill(from, to, 2, extra);
      const upload = openUploadOf(`${to}/${LARGE}`);
      expect(upload, `kill ${kill + 1} left the upload open`).toBeDefined();
      heldAtKill.push(oci.uploadedParts(upload!.uploadId));
      marks.push(oci.requests.length);
    }
    expect(heldAtKill[2].length).toBeGreaterThanOrEqual(4);
    expect(heldAtKill[2].length).toBeLessThan(PARTS);
    oci.faults.configure({});

    const { code, stdout, stderr } = await finish(runScript(from, to, extra));
    expect(code, stderr).toBe(0);
    const result = JSON.parse(stdout.trim().split("\n").pop()!);
    expect(result.resumedUploads).toBe(1);
    expect(result.abortedUploads).toBe(0);
    expect(stderr).toContain(`continuing a multipart upload left open by an earlier run: ${LARGE} (${heldAtKill[2].length} parts`);

    // One upload from the first run to the commit, each part accepted exactly once.
    const accepted = acceptedParts(start);
    expect(new Set(accepted.map((p) => p.uploadId)).size).toBe(1);
    expect(accepted.map((p) => p.partNumber).sort((a, b) => a - b)).toEqual(Array.from({ length: PARTS }, (_, i) => i + 1));
    // After each kill, the parts the upload held were not sent again (not even attempted).
    for (const [i, held] of heldAtKill.entries()) {
      const end = marks[i + 1] ?? oci.requests.length;
      const sentAfter = oci.requests.slice(marks[i], end).filter((r) => r.method === "PUT" && r.url.includes("uploadPartNum="))
        .map((r) => Number(new URL(r.url, "http://x").searchParams.get("uploadPartNum")));
      expect(sentAfter.filter((n) => held.includes(n)), `run ${i + 2} re-sent held parts`).toEqual([]);
      // What a run sends again at most: the parts in flight at the kill (part concurrency 2).
      expect(sentAfter.filter((n) => !held.includes(n) && n <= Math.max(...held, 0)).length).toBeLessThanOrEqual(2);
    }
    expect(oci.openUploads()).toEqual([]);
    const dest = rig!.ociStore({ bucket: "tenant", namespace: "testns", prefix: to });
    expect(await hashAll(dest)).toEqual(corpus);
    // The committed object is the multipart one, its checksum verified by the engine at commit.
    expect((await dest.head(LARGE))?.checksum).toMatch(new RegExp(`^[0-9a-f]{32}-${PARTS}$`));
  }, 240_000);

  it("an upload whose source changed since it was created is aborted, and the new bytes are copied", async () => {
    oci.faults.configure({ slow: 1, slowMs: 300, applies: (req) => req.method === "PUT" });
    await runAndKill("t2", "changed", 2);
    oci.faults.configure({});
    const stale = openUploadOf(`changed/${LARGE}`);
    expect(stale).toBeDefined();
    // The same key, the same size, other bytes, in a later second (S3 lists modification times in
    // whole seconds; within the same second the parts' MD5s tell instead: the test below).
    await new Promise((r) => setTimeout(r, 1100));
    const fresh = crypto.randomBytes(PARTS * PART - 12345);
    const md5 = crypto.createHash("md5").update(fresh).digest("hex");
    await new S3Store({ ...s3.clientOptions, bucket: "src", prefix: "t2" }).put(LARGE, Readable.from([fresh]), { size: fresh.length, md5 });

    const { code, stdout, stderr } = await finish(runScript("t2", "changed"));
    expect(code, stderr).toBe(0);
    const result = JSON.parse(stdout.trim().split("\n").pop()!);
    expect(result).toMatchObject({ resumedUploads: 0, abortedUploads: 1 });
    expect(stderr).toContain(`aborted a multipart upload left open by an earlier run: ${LARGE} (created before the source object was last modified)`);
    expect(oci.openUploads()).toEqual([]);
    const hashes = await hashAll(rig!.ociStore({ bucket: "tenant", namespace: "testns", prefix: "changed" }));
    expect(hashes.get(LARGE)).toBe(md5);
  }, 120_000);

  it.each([
    { what: "parts of another size", partSize: 3 * MiB, reason: "(its parts are not this copy's layout", extra: [] as string[] },
    { what: "a part of other bytes", partSize: PART, reason: "(part 1 of the open upload has MD5", extra: [] as string[] },
    { what: "a part of other bytes (ranged reads)", partSize: PART, reason: "(part 1 of the open upload has MD5", extra: ["--s3-etag-not-md5"] },
  ])("an open upload with $what is not continued: aborted, the object copied afresh", async ({ partSize, reason, extra }) => {
    const to = `foreign-${partSize}-${extra.length}`;
    const dest = rig!.ociStore({ bucket: "tenant", namespace: "testns", prefix: to });
    const uploadId = await dest.multipart.create(LARGE, {});
    const bytes = crypto.randomBytes(partSize);
    await dest.multipart.uploadPart(LARGE, uploadId, 1, Readable.from([bytes]), { size: partSize, md5: crypto.createHash("md5").update(bytes).digest("hex"), offset: 0 });

    const { code, stdout, stderr } = await finish(runScript("t1", to, extra));
    expect(code, stderr).toBe(0);
    const result = JSON.parse(stdout.trim().split("\n").pop()!);
    expect(result.abortedUploads).toBe(1);
    expect(stderr).toContain(`aborted a multipart upload left open by an earlier run: ${LARGE} ${reason}`);
    expect(oci.openUploads()).toEqual([]);
    expect(await hashAll(dest)).toEqual(corpus);
  }, 120_000);
});
