// How every operator script ends. process.exit() right after a write to a pipe drops what the pipe
// had not taken yet (64 KiB on Linux): `plan --json | tee plan.json` was cut short and still exited
// 0. So a script's exit waits until stdout and stderr have handed everything to the OS. The exit
// stays explicit: SDK clients keep sockets and worker threads alive that would otherwise hold the
// process open.

/** Resolves once `text` is handed to the OS. */
export function writeFully(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => stream.write(text, (err) => (err ? reject(err) : resolve())));
}

/** What a failure prints (on stderr) and the exit code it gives (default 1). */
export type FailureReport = (err: unknown) => { message: string; code?: number };

const plainFailure: FailureReport = (err) => ({ message: err instanceof Error ? err.message : String(err) });

/** Runs `main` and exits with its code, or with the failure's, once stdout and stderr have drained. */
export function runCli(main: () => Promise<number>, failure: FailureReport = plainFailure): void {
  main()
    .catch(async (err: unknown) => {
      const { message, code } = failure(err);
      await writeFully(process.stderr, `${message}\n`);
      return code ?? 1;
    })
    .then(async (code) => {
      await Promise.all([writeFully(process.stdout, ""), writeFully(process.stderr, "")]);
      process.exit(code);
    });
}
