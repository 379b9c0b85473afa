// The bulk copy on AWS DataSync, free of Pulumi: start the task's execution (or follow the one an
// earlier run started), poll it with progress until it succeeds or fails, and resume after a
// failure or a lost process without copying twice. Our engine keeps what DataSync does not:
// after the bulk copy, its plan must show nothing left to copy before the manifest digest is
// output (docs/scale.md).
//
// What the service does (DataSync API reference, StartTaskExecution and DescribeTaskExecution):
// - "For each task, you can only run one task execution at a time": before starting, we look for
//   an execution of the task that has not finished (ListTaskExecutions) and follow it.
// - Statuses QUEUED, LAUNCHING, PREPARING, TRANSFERRING, VERIFYING, CANCELLING, then SUCCESS or
//   ERROR (Result.ErrorCode / ErrorDetail). A cancelled execution ends as ERROR.
// - Each execution copies what differs between source and destination (TransferMode CHANGED, the
//   default): starting again after an ERROR resumes rather than recopies.
import {
  DescribeTaskExecutionCommand, ListTaskExecutionsCommand, StartTaskExecutionCommand,
  type DataSyncClient, type DescribeTaskExecutionCommandOutput, type TaskExecutionStatus,
} from "@aws-sdk/client-datasync";

const FINISHED: ReadonlySet<TaskExecutionStatus> = new Set(["SUCCESS", "ERROR"]);

export interface BulkCopyProgress {
  executionArn: string;
  status: TaskExecutionStatus;
  bytesTransferred: number;
  estimatedBytes: number;
  filesTransferred: number;
  estimatedFiles: number;
  /** Share of the estimated bytes transferred (0..1), null while DataSync is still preparing. */
  fraction: number | null;
}

export interface BulkCopyResult {
  executionArn: string;
  bytesTransferred: number;
  filesTransferred: number;
  filesVerified: number;
  /** How this run got its execution: started now, followed one already running, or found it finished. */
  how: "started" | "followed" | "already-succeeded";
  /** Executions that ended in ERROR before this one (resumed after). */
  retries: number;
}

export class BulkCopyError extends Error {
  constructor(
    message: string,
    readonly executionArn: string | undefined,
    readonly errorCode?: string,
    readonly errorDetail?: string,
  ) {
    super(message);
    this.name = "BulkCopyError";
  }
}

export interface RunBulkCopyOptions {
  client: DataSyncClient;
  taskArn: string;
  /** The execution an earlier run recorded (state): followed, or resumed if it failed. */
  executionArn?: string;
  /** Executions started again after one ends in ERROR (default 1). */
  maxRetries?: number;
  /** Between DescribeTaskExecution calls (default 30 s: the counters refresh about once a minute). */
  pollIntervalMs?: number;
  /** Give up waiting (the execution keeps running and a later run follows it); default none. */
  timeoutMs?: number;
  onProgress?: (progress: BulkCopyProgress) => void;
  /** Called with each execution ARN as soon as it is known, to record it before waiting. */
  onExecution?: (executionArn: string) => void;
  signal?: AbortSignal;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function progressOf(e: DescribeTaskExecutionCommandOutput): BulkCopyProgress {
  const estimatedBytes = e.EstimatedBytesToTransfer ?? 0;
  const bytesTransferred = e.BytesTransferred ?? 0;
  const preparing = e.Status === "QUEUED" || e.Status === "LAUNCHING" || e.Status === "PREPARING";
  return {
    executionArn: e.TaskExecutionArn!,
    status: e.Status!,
    bytesTransferred,
    estimatedBytes,
    filesTransferred: e.FilesTransferred ?? 0,
    estimatedFiles: e.EstimatedFilesToTransfer ?? 0,
    fraction: preparing ? null : estimatedBytes > 0 ? Math.min(1, bytesTransferred / estimatedBytes) : 1,
  };
}

/** An execution of the task that has not finished, if any (newest first as listed). */
async function unfinishedExecution(client: DataSyncClient, taskArn: string, signal?: AbortSignal): Promise<string | undefined> {
  let NextToken: string | undefined;
  do {
    const page = await client.send(new ListTaskExecutionsCommand({ TaskArn: taskArn, NextToken }), { abortSignal: signal });
    const running = page.TaskExecutions?.find((t) => t.Status && !FINISHED.has(t.Status));
    if (running?.TaskExecutionArn) return running.TaskExecutionArn;
    NextToken = page.NextToken;
  } while (NextToken);
  return undefined;
}

export async function runBulkCopy(options: RunBulkCopyOptions): Promise<BulkCopyResult> {
  const { client, taskArn, signal } = options;
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const pollMs = options.pollIntervalMs ?? 30_000;
  const maxRetries = options.maxRetries ?? 1;
  const deadline = options.timeoutMs === undefined ? Infinity : now() + options.timeoutMs;
  const describe = (arn: string) => client.send(new DescribeTaskExecutionCommand({ TaskExecutionArn: arn }), { abortSignal: signal });

  let how: BulkCopyResult["how"] = "followed";
  let executionArn = options.executionArn;
  if (executionArn) {
    const recorded = await describe(executionArn);
    if (recorded.Status === "SUCCESS") return resultOf(recorded, "already-succeeded", 0);
    // A recorded execution that failed is resumed by starting the task again (below).
    if (recorded.Status === "ERROR") executionArn = undefined;
  }
  executionArn ??= await unfinishedExecution(client, taskArn, signal);
  const start = async () => {
    const started = await client.send(new StartTaskExecutionCommand({ TaskArn: taskArn }), { abortSignal: signal });
    if (!started.TaskExecutionArn) throw new BulkCopyError(`StartTaskExecution of ${taskArn} returned no execution ARN`, undefined);
    return started.TaskExecutionArn;
  };
  if (!executionArn) {
    executionArn = await start();
    how = "started";
  }
  options.onExecution?.(executionArn);

  let retries = 0;
  let last = "";
  for (;;) {
    const e = await describe(executionArn);
    const progress = progressOf(e);
    const key = `${progress.status}/${progress.bytesTransferred}/${progress.filesTransferred}`;
    if (key !== last) options.onProgress?.(progress);
    last = key;
    if (e.Status === "SUCCESS") return resultOf(e, how, retries);
    if (e.Status === "ERROR") {
      const code = e.Result?.ErrorCode;
      const detail = e.Result?.ErrorDetail;
      if (retries >= maxRetries) {
        throw new BulkCopyError(
          `DataSync execution ${executionArn} failed${code ? ` (${code}${detail ? `: ${detail}` : ""})` : ""} after ${retries} retr${retries === 1 ? "y" : "ies"}; ` +
            `the next run starts the task again and copies only what is missing`,
          executionArn, code, detail,
        );
      }
      retries++;
      executionArn = await start();
      how = "started";
      options.onExecution?.(executionArn);
      continue;
    }
    if (now() + pollMs > deadline) {
      throw new BulkCopyError(`DataSync execution ${executionArn} is still ${e.Status} after ${options.timeoutMs} ms; it keeps running and the next run follows it`, executionArn);
    }
    await sleep(pollMs, signal);
  }
}

function resultOf(e: DescribeTaskExecutionCommandOutput, how: BulkCopyResult["how"], retries: number): BulkCopyResult {
  return {
    executionArn: e.TaskExecutionArn!,
    bytesTransferred: e.BytesTransferred ?? 0,
    filesTransferred: e.FilesTransferred ?? 0,
    filesVerified: e.FilesVerified ?? 0,
    how,
    retries,
  };
}
