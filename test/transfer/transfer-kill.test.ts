import { spawn } from "child_process";
import * as crypto from "crypto";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalDirectoryStore, sync, type ObjectStore } from "../../components/transfer";
import { OciStore } from "../../components/transfer/oci-store";
import { S3Store } from "../../components/transfer/s3-store";
import { hashAll, writeOciConfigFile } from "../support/store-helpers";
import { startTransferRig, type TransferRig } from "../support/transfer-rig";

// `npm run sync` killed with SIGKILL in the middle (a multipart upload open), then run again:
// the second run completes, continues the open upload (transfer-resume.test.ts says how far),
// and rewrites nothing already verified.
const MiB = 1024 * 1024;
const root = path.resolve(__dirname, "../..");

describe("scripts/sync.ts killed mid-run, then run again", () => {
  let rig: TransferRig | undefined;
  let { tmp, corpus, s3, oci } = {} as TransferRig; // the rig's parts, set in beforeAll
  let configFile: string;
  let dest: OciStore;

  beforeAll(async () => {
    ({ tmp, corpus, s3, oci } = rig = await startTransferRig({ name: "transfer-kill", corpus: { small: 30, large: [22 * MiB] }, s3: { buckets: ["src"] }, ociBuckets: ["tenant"] }));
    await sync(new LocalDirectoryStore(path.join(tmp, "corpus")), new S3Store({ ...s3.clientOptions, bucket: "src", prefix: "t1" }));
    dest = rig.ociStore({ bucket: "tenant", namespace: "testns", prefix: "data" });
    configFile = await writeOciConfigFile(tmp, rig.auth);
  });
  afterAll(() => rig?.close());

  function runScript(extra: string[]) {
    return spawn(process.execPath, [
      "--import", "tsx", path.join(root, "scripts", "sync.ts"),
      "--from", "s3://src/t1", "--to", "oci://testns/tenant/data",
      "--s3-endpoint", s3.endpoint, "--s3-region", "us-east-1",
      "--oci-auth", "api_key", "--oci-config", configFile, "--oci-endpoint", oci.endpoint,
      "--multipart-threshold-mib", "5", "--part-size-mib", "5", "--no-progress", ...extra,
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

  it("--dry-run prints the plan and writes nothing", async () => {
    const { code, stdout } = await finish(runScript(["--dry-run", "--json"]));
    expect(code).toBe(0);
    expect(stdout).toContain(`copy:       ${corpus.size} objects`);
    const summary = JSON.parse(stdout.trim().split("\n").pop()!);
    expect(summary).toMatchObject({ dryRun: true, copyObjects: corpus.size, skipObjects: 0 });
    expect(oci.objectNames("tenant")).toEqual([]);
  });

  it("--dry-run says how long the first full copy takes on one runner and warns beyond the window", async () => {
    const fits = await finish(runScript(["--dry-run", "--json"]));
    expect(fits.stdout).toMatch(/copy time: {2}about \d+ min at 206\.5 MB\/s on one runner \(window 6 h\)/);
    expect(fits.stdout).not.toContain("WARNING");
    // The corpus at 0.01 MB/s takes longer than a 1-minute window.
    const over = await finish(runScript(["--dry-run", "--json", "--runner-mbps", "0.01", "--window-hours", "0.0167"]));
    expect(over.code).toBe(0);
    expect(over.stdout).toMatch(/WARNING: the first full copy takes about .* over the 0\.0167 h window: run the bulk copy on AWS DataSync/);
    expect(JSON.parse(over.stdout.trim().split("\n").pop()!).copyTime).toMatchObject({ runnerMBps: 0.01, exceedsWindow: true });
    expect((await finish(runScript(["--dry-run", "--window-hours", "0"]))).stderr).toMatch(/--window-hours must be a positive number/);
  });

  it("SIGKILL with a multipart upload open; the rerun completes, continues the open upload and recopies nothing verified", async () => {
    // Slow uploads so the kill lands mid-run.
    oci.faults.configure({ slow: 1, slowMs: 250, applies: (req) => req.method === "PUT" });
    const child = runScript(["--concurrency", "2"]);
    const done = finish(child);
    const deadline = Date.now() + 30_000;
    const committed = () => oci.objectNames("tenant").length;
    while (Date.now() < deadline && !(oci.openUploads().length > 0 && committed() >= 3)) await new Promise((r) => setTimeout(r, 20));
    child.kill("SIGKILL");
    await done;
    oci.faults.configure({});
    const before = new Set(oci.objectNames("tenant").map((n) => n.slice("data/".length)));
    expect(before.size).toBeGreaterThanOrEqual(3);
    expect(before.size).toBeLessThan(corpus.size);
    expect(oci.openUploads().length).toBeGreaterThan(0);

    const mark = oci.requests.length;
    const { code, stderr, stdout } = await finish(runScript(["--json"]));
    expect(code, stderr).toBe(0);
    const result = JSON.parse(stdout.trim().split("\n").pop()!);
    expect(result.copiedObjects).toBe(corpus.size - before.size);
    expect(result.skippedObjects).toBe(before.size);
    expect(result.resumedUploads).toBe(1);
    expect(result.abortedUploads).toBe(0);
    expect(stderr).toContain("continuing a multipart upload left open by an earlier run: large/object-0.bin");
    const rewrites = oci.requests.slice(mark).filter((r) => r.method === "PUT" && [...before].some((k) => decodeURIComponent(r.url.split("?")[0]).endsWith(`/data/${k}`)));
    expect(rewrites).toEqual([]);
    expect(oci.openUploads()).toEqual([]);
    expect(await hashAll(dest)).toEqual(corpus);

    // Nothing changed: a third run transfers 0 bytes.
    const third = await finish(runScript(["--json"]));
    expect(JSON.parse(third.stdout.trim().split("\n").pop()!)).toMatchObject({ copiedObjects: 0, copiedBytes: 0 });
  });
});
