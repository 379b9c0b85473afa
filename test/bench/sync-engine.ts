// One engine copy in a process of its own, for bench:sync (which counts this process's CPU from
// start to exit, as it counts rclone's). It loads what `npm run sync` loads for S3 and OCI stores,
// nothing of the bench, and starts as `npm run sync` starts: node scripts/launch.cjs test/bench/sync-engine.ts <json>
// Prints {"copiedObjects", "copiedBytes", "seconds" (inside sync()), "startupCpuSeconds" (this
// process's CPU before sync() started)}.
import { sync, TRANSFER_DEFAULTS } from "../../components/transfer";
import { OciStore } from "../../components/transfer/oci-store";
import { S3Store } from "../../components/transfer/s3-store";

/** Where the copy goes (the source is always bucket "source" on the source s3rver). */
export type EngineTarget = { kind: "s3"; endpoint: string; bucket: string; prefix: string } | { kind: "oci"; endpoint: string; bucket: string; prefix: string; ociConfig: string };

async function main(): Promise<void> {
  const cfg = JSON.parse(process.argv[2] ?? "{}") as { sourceEndpoint: string; prefix: string; target: EngineTarget; concurrency: number };
  // The SDKs load on first use; loaded here, so that start-up below counts them.
  require("@aws-sdk/client-s3");
  if (cfg.target.kind === "oci") {
    require("oci-common");
    require("oci-objectstorage");
  }
  const startup = process.cpuUsage();
  // s3rver accepts this key id only (test/support/s3rver.ts).
  const credentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
  const source = new S3Store({ endpoint: cfg.sourceEndpoint, region: "us-east-1", forcePathStyle: true, credentials, bucket: "source", prefix: cfg.prefix });
  const t = cfg.target;
  const dest = t.kind === "s3"
    ? new S3Store({ endpoint: t.endpoint, region: "us-east-1", forcePathStyle: true, credentials, bucket: t.bucket, prefix: t.prefix })
    : new OciStore({ bucket: t.bucket, prefix: t.prefix, namespace: "testns", endpoint: t.endpoint, auth: { kind: "config-file", file: t.ociConfig } });
  const started = process.hrtime.bigint();
  const result = await sync(source, dest, { concurrency: cfg.concurrency ?? TRANSFER_DEFAULTS.concurrency });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(`${JSON.stringify({ copiedObjects: result.copiedObjects, copiedBytes: result.copiedBytes, seconds, startupCpuSeconds: (startup.user + startup.system) / 1e6 })}\n`);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${err?.stack ?? err}\n`);
    process.exit(1);
  },
);
