// Operator command over the transfer engine: copy a tenant's data S3 -> OCI (or any pair of
// s3://, oci:// and local directories) with a progress bar, or print the plan with --dry-run.
// Safe to interrupt (Ctrl-C aborts open multipart uploads) and to run again: it copies only what
// is missing or different.
//
//   npm run sync -- --from s3://tundra-prod/tenants/acme/ --to oci://axaxnpcrorw5/acme-data/ \
//     --s3-region us-west-2 --oci-auth api_key --dry-run
import { parseArgs } from "util";
import type { SingleBar } from "cli-progress";
import { credentialHint, progressBar, progressPayload } from "./sync-output";
import { LocalDirectoryStore, SyncError, TRANSFER_DEFAULTS, plan, sync, type ObjectStore, type SyncEvent, type SyncOptions } from "../components/transfer";
import { formatBytes, formatMBps } from "../components/transfer/format";
import { estimateCopyTime, formatHours } from "../components/transfer/copy-time";
import { ociAuthFromFlags } from "../components/oci-auth";
import { OciStore } from "../components/transfer/oci-store";
import { S3Store } from "../components/transfer/s3-store";
import { runCli } from "./cli";

const MiB = 1024 * 1024;

const USAGE = `Usage: npm run sync -- --from <location> --to <location> [options]

Copies a tenant's data from one store to another (S3 -> OCI Object Storage, or any pair of the
locations below): only what is missing or different, safe to interrupt and to run again.

Locations:  s3://bucket/prefix   oci://namespace/bucket/prefix   /local/directory
Options:
  --dry-run                    list both sides and print the plan (counts, bytes); write nothing
  --delete-extraneous          delete destination objects that are not in the source (default: report only)
  --concurrency N              objects at once (16)
  --part-concurrency N         multipart parts at once, across objects (8)
  --part-size-mib N            multipart part size (16)
  --multipart-threshold-mib N  single PUT up to this size (200)
  --s3-region R                S3 region (default: AWS_REGION / profile)
  --s3-endpoint URL            S3-compatible endpoint; implies path-style addressing
  --s3-etag-not-md5            the S3 bucket uses SSE-KMS/SSE-C: ETags are not MD5s
  --oci-auth METHOD            api_key | security_token | instance_principal | resource_principal |
                               oke_workload_identity (default: OCI_CLI_AUTH, else api_key)
  --oci-config FILE            OCI config file (default: OCI_CLI_CONFIG_FILE, else ~/.oci/config)
  --oci-profile NAME           OCI config profile (default: OCI_CLI_PROFILE, else DEFAULT)
  --oci-region R               OCI region (default: the auth's region)
  --oci-endpoint URL           OCI Object Storage endpoint override
  --runner-mbps N              this runner's measured S3->OCI rate for the copy-time estimate (default: bench:sync's)
  --window-hours N             copy window the first full copy must fit (6); --dry-run warns beyond it
  --json                       print the result as one JSON line at the end
  --no-progress                no progress bar (logs instead)
Credentials: S3 uses the AWS default chain (env, profile, SSO, role); OCI uses the --oci-* flags,
then the OCI CLI's variables (OCI_CLI_AUTH, OCI_CLI_PROFILE, OCI_CLI_CONFIG_FILE), as the OCI CLI does.`;

class UsageError extends Error {}

function integer(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got ${JSON.stringify(value)}.`);
  return n;
}

function positive(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(n > 0)) throw new UsageError(`--${name} must be a positive number, got ${JSON.stringify(value)}.`);
  return n;
}

type Values = Record<string, string | boolean | undefined>;

export function storeFor(location: string, values: Values, role: "--from" | "--to"): ObjectStore {
  const url = /^([a-z0-9]+):\/\/(.*)$/.exec(location);
  if (!url) return new LocalDirectoryStore(location);
  const [, scheme, rest] = url;
  const parts = rest.split("/");
  if (scheme === "s3") {
    if (!parts[0]) throw new UsageError(`${role} ${location}: expected s3://bucket/prefix.`);
    return new S3Store({
      bucket: parts[0],
      prefix: parts.slice(1).join("/"),
      region: values["s3-region"] as string | undefined,
      endpoint: values["s3-endpoint"] as string | undefined,
      forcePathStyle: values["s3-endpoint"] !== undefined,
      etagIsMd5: values["s3-etag-not-md5"] !== true,
    });
  }
  if (scheme === "oci") {
    if (!parts[0] || !parts[1]) throw new UsageError(`${role} ${location}: expected oci://namespace/bucket/prefix.`);
    let auth;
    try {
      auth = ociAuthFromFlags(
        { auth: values["oci-auth"] as string | undefined, configFile: values["oci-config"] as string | undefined, profile: values["oci-profile"] as string | undefined },
        process.env,
        (notice) => process.stderr.write(`${notice}\n`),
      );
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    return new OciStore({
      namespace: parts[0],
      bucket: parts[1],
      prefix: parts.slice(2).join("/"),
      region: values["oci-region"] as string | undefined,
      endpoint: values["oci-endpoint"] as string | undefined,
      auth,
    });
  }
  if (scheme === "file") return new LocalDirectoryStore(`/${rest.replace(/^\/+/, "")}`);
  throw new UsageError(`${role} ${location}: unknown scheme ${scheme}:// (use s3://, oci:// or a directory).`);
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      from: { type: "string" }, to: { type: "string" }, "dry-run": { type: "boolean" }, "delete-extraneous": { type: "boolean" },
      concurrency: { type: "string" }, "part-concurrency": { type: "string" }, "part-size-mib": { type: "string" },
      "multipart-threshold-mib": { type: "string" }, "s3-region": { type: "string" }, "s3-endpoint": { type: "string" },
      "s3-etag-not-md5": { type: "boolean" }, "oci-auth": { type: "string" }, "oci-config": { type: "string" },
      "oci-profile": { type: "string" }, "oci-region": { type: "string" }, "oci-endpoint": { type: "string" },
      "runner-mbps": { type: "string" }, "window-hours": { type: "string" },
      json: { type: "boolean" }, "no-progress": { type: "boolean" }, help: { type: "boolean" },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!values.from || !values.to) throw new UsageError("--from and --to are both required.");
  const source = storeFor(values.from, values, "--from");
  const destination = storeFor(values.to, values, "--to");
  const options: SyncOptions = {
    concurrency: integer("concurrency", values.concurrency, TRANSFER_DEFAULTS.concurrency),
    partConcurrency: integer("part-concurrency", values["part-concurrency"], TRANSFER_DEFAULTS.partConcurrency),
    partSize: integer("part-size-mib", values["part-size-mib"], TRANSFER_DEFAULTS.partSize / MiB) * MiB,
    multipartThreshold: integer("multipart-threshold-mib", values["multipart-threshold-mib"], TRANSFER_DEFAULTS.multipartThreshold / MiB) * MiB,
    deleteExtraneous: values["delete-extraneous"] === true,
  };

  if (values["dry-run"]) {
    const p = await plan(source, destination, options);
    const s = p.summary;
    process.stdout.write(`Plan ${s.source} -> ${s.destination}\n`);
    process.stdout.write(`  source:     ${s.sourceObjects} objects, ${formatBytes(s.sourceBytes)}\n`);
    process.stdout.write(`  copy:       ${s.copyObjects} objects, ${formatBytes(s.copyBytes)}\n`);
    process.stdout.write(`  skip:       ${s.skipObjects} objects, ${formatBytes(s.skipBytes)} (already verified at the destination)\n`);
    process.stdout.write(`  extraneous: ${s.extraneousObjects} objects, ${formatBytes(s.extraneousBytes)} (${options.deleteExtraneous ? "would be deleted" : "kept; --delete-extraneous deletes them"})\n`);
    for (const c of p.largestCopies) process.stdout.write(`    copy ${c.source.key} (${formatBytes(c.source.size)}, ${c.reason})\n`);
    if (s.copyObjects > p.largestCopies.length) process.stdout.write(`    ... and ${s.copyObjects - p.largestCopies.length} more\n`);
    const time = estimateCopyTime(s.copyBytes, { runnerMBps: positive("runner-mbps", values["runner-mbps"]), windowHours: positive("window-hours", values["window-hours"]) });
    process.stdout.write(`  copy time:  about ${formatHours(time.hours)} at ${formatMBps(time.runnerMBps)} on one runner (window ${time.windowHours} h)\n`);
    if (time.warning) process.stdout.write(`  WARNING: ${time.warning}\n`);
    if (values.json) process.stdout.write(`${JSON.stringify({ dryRun: true, ...s, copyTime: time })}\n`);
    return 0;
  }

  const controller = new AbortController();
  let interrupted = false;
  process.once("SIGINT", () => {
    interrupted = true;
    process.stderr.write("\nInterrupted: finishing in-flight requests and aborting open multipart uploads...\n");
    controller.abort(new Error("interrupted by the operator"));
  });

  const showBar = values["no-progress"] !== true && process.stderr.isTTY === true;
  let bar: SingleBar | undefined;
  const onEvent = (e: SyncEvent) => {
    switch (e.type) {
      case "plan": {
        const s = e.plan;
        process.stderr.write(`${s.source} -> ${s.destination}: copy ${s.copyObjects} objects (${formatBytes(s.copyBytes)}), skip ${s.skipObjects}, extraneous ${s.extraneousObjects}\n`);
        if (showBar) {
          bar = progressBar(process.stderr);
          bar.start(Math.max(1, s.copyBytes), 0, progressPayload({ bytesDone: 0, bytesTotal: s.copyBytes, objectsDone: 0, objectsTotal: s.copyObjects, bytesPerSecond: 0 }));
        }
        break;
      }
      case "progress": {
        const p = e.progress;
        if (bar) bar.update(p.bytesDone, progressPayload(p));
        else process.stderr.write(`  ${p.objectsDone}/${p.objectsTotal} objects, ${formatBytes(p.bytesDone)}/${formatBytes(p.bytesTotal)}, ${formatBytes(p.bytesPerSecond)}/s${p.etaSeconds !== undefined ? `, ETA ${Math.round(p.etaSeconds)} s` : ""}\n`);
        break;
      }
      case "failed":
        bar?.stop();
        process.stderr.write(`FAILED ${e.key}: ${e.error}\n`);
        break;
      case "aborted-upload":
        process.stderr.write(`aborted a multipart upload left open by an earlier run: ${e.key}${e.reason ? ` (${e.reason})` : ""}\n`);
        break;
      case "resumed-upload":
        process.stderr.write(`continuing a multipart upload left open by an earlier run: ${e.key} (${e.keptParts} parts, ${formatBytes(e.keptBytes)} already uploaded and not sent again once their MD5s match)\n`);
        break;
      case "warning":
        process.stderr.write(`warning: ${e.message}\n`);
        break;
      default:
        break;
    }
  };

  try {
    const result = await sync(source, destination, { ...options, signal: controller.signal, onEvent, progressIntervalMs: showBar ? 200 : 5_000 });
    bar?.stop();
    process.stderr.write(
      `done: copied ${result.copiedObjects} objects (${formatBytes(result.copiedBytes)}) at ${formatBytes(result.bytesPerSecond)}/s, skipped ${result.skippedObjects}, ` +
      `deleted ${result.deletedObjects}, extraneous kept ${result.extraneousObjects - result.deletedObjects}, in ${(result.durationMs / 1000).toFixed(1)} s\n` +
      `manifest digest: ${result.manifestDigest}\n`,
    );
    if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  } catch (err) {
    bar?.stop();
    if (err instanceof SyncError) {
      process.stderr.write(`${err.message}\n${interrupted ? "Run the same command again to resume.\n" : ""}`);
      if (values.json) process.stdout.write(`${JSON.stringify(err.result)}\n`);
      return interrupted ? 130 : 1;
    }
    throw err;
  }
}

if (require.main === module) {
  // The OCI SDK prints a console warning for every call it does not retry (we retry ourselves).
  const warn = console.warn.bind(console);
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === "string" && /^(Request cannot be retried|All retry attempts have exhausted)/.test(args[0])) return;
    warn(...args);
  };
  runCli(
    () => main(process.argv.slice(2)),
    (err) =>
      err instanceof UsageError || (err as { code?: string })?.code?.startsWith("ERR_PARSE_ARGS")
        ? { message: `${(err as Error).message}\n\n${USAGE}`, code: 2 }
        : { message: `sync failed: ${credentialHint(err) ?? (err instanceof Error ? err.message : String(err))}` },
  );
}
