// The limit for hydration benchmarks: GET every object under a prefix and drain the bodies (no
// disk, no hashing), at a given concurrency, in its own process like the agent it is compared to.
//   node --import tsx test/bench/raw-get.ts <json: {endpoint, namespace, bucket, prefix, ociConfigFile, concurrency}>
// Prints {"bytes": N, "seconds": S, "cpuSeconds": C} (C: this process's CPU while it read).
import pLimit from "p-limit";
import { OciStore } from "../../components/transfer/oci-store";

async function main(): Promise<void> {
  const o = JSON.parse(process.argv[2] ?? "{}") as { endpoint: string; namespace: string; bucket: string; prefix: string; ociConfigFile: string; concurrency: number };
  const store = new OciStore({ bucket: o.bucket, namespace: o.namespace, prefix: o.prefix, endpoint: o.endpoint, auth: { kind: "config-file", file: o.ociConfigFile } });
  const keys: string[] = [];
  for await (const info of store.list()) keys.push(info.key);
  const limit = pLimit(o.concurrency);
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  let bytes = 0;
  await Promise.all(keys.map((key) => limit(async () => {
    for await (const chunk of await store.get(key)) bytes += (chunk as Buffer).length;
  })));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  process.stdout.write(`${JSON.stringify({ bytes, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 })}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
