// Runs the OCI Object Storage test server in its own process (benchmarks: its CPU and memory stay
// out of the measured process). Config from TUNDRA_OCI_SERVER (JSON: buckets, keys [{keyId, pem}]).
// Prints {"port": N} once listening; exits when the parent's end of stdin closes.
import * as crypto from "crypto";
import { OciObjectStorageServer } from "./oci-objectstorage-server";

async function main(): Promise<void> {
  const config = JSON.parse(process.env.TUNDRA_OCI_SERVER ?? "{}") as { buckets?: string[]; keys?: { keyId: string; pem: string }[]; directory?: string };
  const server = new OciObjectStorageServer({
    buckets: config.buckets ?? [],
    directory: config.directory,
    publicKeys: new Map((config.keys ?? []).map((k) => [k.keyId, crypto.createPublicKey(k.pem)])),
    idleTimeoutMs: 30 * 60_000,
  });
  const endpoint = await server.start();
  process.stdout.write(`${JSON.stringify({ port: Number(new URL(endpoint).port) })}\n`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  // Exit with the parent (its end of our stdin closes). Not the exit-with-parent.cjs preload:
  // combined with --import tsx it keeps this process from ever starting.
  process.stdin.on("end", stop);
  process.stdin.on("error", stop);
  process.stdin.resume();
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
