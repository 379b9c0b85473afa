// The dynamic-provider host sets no deadline on anything: each operation that talks to a cloud
// races its own, so a hung call fails with what was being waited for instead of hanging `pulumi up`.

export class TimeoutError extends Error {
  constructor(readonly what: string, readonly ms: number) {
    super(`${what} took longer than ${ms / 1000} s`);
    this.name = "TimeoutError";
  }
}

/** `promise`, or a TimeoutError after `ms`; `onTimeout` runs first (e.g. to abort the work). */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string, onTimeout?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(new TimeoutError(what, ms));
    }, ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
