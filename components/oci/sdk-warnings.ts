// The OCI SDK's retrier (oci-common lib/retrier.js, 2.139.1) prints
// `Request cannot be retried. Not Retrying. Exception occurred : <error>` (and, after its last
// attempt, `All retry attempts have exhausted ...`) with console.warn for every failed call, then
// throws the same error. It does not go through `common.LOG.logger` (that logger only gets debug
// lines), so no logger setting silences it. Where the caller handles the error (a 404 that means
// "absent", a refusal a test expects), the line is noise: `sdkErrorsHandledHere` holds the lines
// of its call back and prints them only when the call fails with an error the caller does not
// handle, so a real error is still printed.
import { AsyncLocalStorage } from "async_hooks";

const SDK_ERROR_LINE = /^(Request cannot be retried\. Not Retrying\. Exception occurred|All retry attempts have exhausted)/;
const heldLines = new AsyncLocalStorage<unknown[][]>();
let realWarn: typeof console.warn | undefined;

function install(): typeof console.warn {
  if (realWarn) return realWarn;
  const warn = console.warn;
  realWarn = warn;
  console.warn = function (this: Console, ...args: unknown[]) {
    const held = heldLines.getStore();
    if (held && typeof args[0] === "string" && SDK_ERROR_LINE.test(args[0])) held.push(args);
    else warn.apply(this, args);
  };
  return warn;
}

/**
 * Runs `call` (SDK calls) with the SDK's error lines held back: dropped when the call succeeds or
 * fails with an error `handled` accepts, printed when it fails with any other.
 */
export async function sdkErrorsHandledHere<T>(call: () => Promise<T>, handled: (err: unknown) => boolean = () => true): Promise<T> {
  const warn = install();
  const held: unknown[][] = [];
  try {
    return await heldLines.run(held, call);
  } catch (err) {
    if (!handled(err)) for (const args of held) warn.apply(console, args);
    throw err;
  }
}

/** True for an SDK error with HTTP status 404. */
export function isSdkNotFound(err: unknown): boolean {
  return (err as { statusCode?: number })?.statusCode === 404;
}

/**
 * The client with every method's SDK error lines dropped: for clients whose every error the
 * caller asserts (the test servers' tests). Methods that return no promise are called as they are.
 */
export function withSdkErrorsHandled<C extends object>(client: C): C {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        install();
        return heldLines.run([], () => value.apply(target, args)); // the held lines are never printed
      };
    },
  });
}
