// Small helpers shared by the benchmarks: aligned output lines, timing, and silencing the OCI
// SDK's per-call console warnings (the engine retries itself; they would drown the figures).

export function quietOciSdkWarnings(): void {
  const warn = console.warn.bind(console);
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === "string" && /^(Request cannot be retried|All retry attempts have exhausted)/.test(args[0])) return;
    warn(...args);
  };
}

export function line(label: string, value: string, width = 36): void {
  process.stdout.write(`${label.padEnd(width)} ${value}\n`);
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, value };
}
