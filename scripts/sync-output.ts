// What `npm run sync` shows a person: the progress bar, the dry run's list, rates, and which
// flag or variable supplies a missing credential. Pure (no I/O) so each is tested alone.
import type { SingleBar } from "cli-progress";
import { formatBytes } from "../components/transfer/format";
import { OCI_AUTH_ENV, STACK_OCI_KEY } from "../components/oci-auth";

/**
 * The bar's line. cli-progress fills `{total}` and `{value}` itself with the raw numbers (bytes),
 * whatever the payload says: the byte counts go in payload keys of their own.
 */
export const PROGRESS_FORMAT = "{bar} {percentage}% | {doneBytes}/{totalBytes} | {objects} objects | {rate}/s | ETA {eta_formatted}";

export function progressBar(stream: NodeJS.WritableStream): SingleBar {
  const { SingleBar: Bar, Presets } = require("cli-progress") as typeof import("cli-progress");
  return new Bar({ format: PROGRESS_FORMAT, hideCursor: true, stream, etaBuffer: 50 }, Presets.shades_classic);
}

export function progressPayload(p: { bytesDone: number; bytesTotal: number; objectsDone: number; objectsTotal: number; bytesPerSecond: number }) {
  return { doneBytes: formatBytes(p.bytesDone), totalBytes: formatBytes(p.bytesTotal), objects: `${p.objectsDone}/${p.objectsTotal}`, rate: formatBytes(p.bytesPerSecond) };
}

/**
 * The SDKs' own "could not load credentials" errors, said as the flag or variable that supplies
 * the credential. The SDK's message is not repeated (it may quote a path or a profile's content).
 */
export function credentialHint(err: unknown): string | undefined {
  const name = (err as { name?: string })?.name;
  const message = err instanceof Error ? err.message : String(err);
  if (name === "CredentialsProviderError" || /Could not load credentials from any providers/.test(message)) {
    // S3Store signs with the default chain even with --s3-endpoint: a local S3 needs some too.
    return "no AWS credentials: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (a local S3 behind --s3-endpoint needs them too, any values)";
  }
  if (/Can't load the default config from|File does not exists at|No profile named/.test(message) && /oci|config/i.test(message)) {
    return (
      `no OCI config: pass --oci-config FILE / --oci-profile NAME (for a stack: ${STACK_OCI_KEY}.configFileProfile), or set ` +
      `${OCI_AUTH_ENV.configFile} / ${OCI_AUTH_ENV.profile} (default ~/.oci/config, profile DEFAULT); or --oci-auth / ${OCI_AUTH_ENV.auth} ` +
      `for instance_principal, resource_principal or oke_workload_identity (a server behind --oci-endpoint signs the same way)`
    );
  }
  return undefined;
}
