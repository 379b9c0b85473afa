// A stand-in of the AWS DataSync API on 127.0.0.1 for what the bulk copy uses:
// CreateLocationObjectStorage, StartTaskExecution, DescribeTaskExecution, ListTaskExecutions.
// The real @aws-sdk/client-datasync is the client in every test, so the wire format (awsJson1_1,
// `X-Amz-Target: FmrsService.<Operation>`, SigV4), the error shapes and the types are judged by
// the SDK, not by this file.
//
// Rules it enforces, from the DataSync API reference: one execution of a task at a time
// (StartTaskExecution: "For each task, you can only run one task execution at a time"; a second
// start is refused here, stricter than queueing); statuses LAUNCHING -> PREPARING ->
// TRANSFERRING -> VERIFYING -> SUCCESS, or ERROR with Result.ErrorCode/ErrorDetail; an execution
// copies only what the task has not copied yet (TransferMode CHANGED); CmkSecretConfig and
// CustomSecretConfig are exclusive ("Do not provide both parameters for the same request").
import { randomBytes } from "crypto";
import * as http from "http";
import type { AddressInfo } from "net";

type Status = "QUEUED" | "LAUNCHING" | "PREPARING" | "TRANSFERRING" | "VERIFYING" | "SUCCESS" | "ERROR";

interface Task {
  arn: string;
  totalBytes: number;
  totalFiles: number;
  /** Bytes already at the destination from earlier executions. */
  copiedBytes: number;
  /** Executions of this task finish at their first poll (small data; tests that cannot wait). */
  instant: boolean;
}

interface Execution {
  arn: string;
  task: Task;
  status: Status;
  polls: number;
  startBytes: number;
  bytesTransferred: number;
  failAfterPolls?: { polls: number; code: string; detail: string };
  startedAt: number;
}

export interface DataSyncServer {
  endpoint: string;
  /** Declares a task (as the Pulumi resource would have created it) with the data it would copy. */
  addTask(name: string, data: { bytes: number; files: number; instant?: boolean }): string;
  /** The next execution started (the next `times`, default 1) fails after this many DescribeTaskExecution polls. */
  failNextExecution(failure: { afterPolls: number; code: string; detail: string; times?: number }): void;
  /** The operations called, in order, with their request bodies. */
  calls: Array<{ operation: string; body: Record<string, unknown> }>;
  locations: Array<Record<string, unknown>>;
  executions(taskArn: string): Execution[];
  close(): Promise<void>;
}

const ACCOUNT = "111122223333";
const REGION = "us-east-1";
/** Polls an execution spends in each phase before moving on; TRANSFERRING moves bytes in this many steps. */
const POLLS = { LAUNCHING: 1, PREPARING: 1, TRANSFERRING: 4, VERIFYING: 1 } as const;

class ApiError extends Error {
  constructor(readonly type: string, message: string, readonly status = 400) {
    super(message);
  }
}

export async function startDataSyncServer(): Promise<DataSyncServer> {
  const tasks = new Map<string, Task>();
  const executions: Execution[] = [];
  const calls: DataSyncServer["calls"] = [];
  const locations: DataSyncServer["locations"] = [];
  let pendingFailure: Execution["failAfterPolls"];
  let pendingFailures = 0;

  const advance = (e: Execution) => {
    if (e.status === "SUCCESS" || e.status === "ERROR") return;
    e.polls++;
    if (e.failAfterPolls && e.polls >= e.failAfterPolls.polls) {
      e.status = "ERROR";
      e.task.copiedBytes = e.startBytes + e.bytesTransferred;
      return;
    }
    const remaining = e.task.totalBytes - e.startBytes;
    const t = e.task.instant ? Infinity : e.polls;
    const { LAUNCHING, PREPARING, TRANSFERRING, VERIFYING } = POLLS;
    if (t <= LAUNCHING) e.status = "LAUNCHING";
    else if (t <= LAUNCHING + PREPARING) e.status = "PREPARING";
    else if (t <= LAUNCHING + PREPARING + TRANSFERRING) {
      e.status = "TRANSFERRING";
      e.bytesTransferred = Math.round((remaining * (t - LAUNCHING - PREPARING)) / TRANSFERRING);
    } else if (t <= LAUNCHING + PREPARING + TRANSFERRING + VERIFYING) {
      e.status = "VERIFYING";
      e.bytesTransferred = remaining;
    } else {
      e.status = "SUCCESS";
      e.bytesTransferred = remaining;
      e.task.copiedBytes = e.task.totalBytes;
    }
  };

  const describe = (e: Execution) => ({
    TaskExecutionArn: e.arn,
    Status: e.status,
    StartTime: e.startedAt / 1000,
    TaskMode: "ENHANCED",
    EstimatedBytesToTransfer: e.task.totalBytes - e.startBytes,
    EstimatedFilesToTransfer: Math.round(e.task.totalFiles * ((e.task.totalBytes - e.startBytes) / Math.max(1, e.task.totalBytes))),
    BytesTransferred: e.bytesTransferred,
    BytesWritten: e.bytesTransferred,
    FilesTransferred: Math.round(e.task.totalFiles * (e.bytesTransferred / Math.max(1, e.task.totalBytes))),
    FilesVerified: e.status === "SUCCESS" ? Math.round(e.task.totalFiles * ((e.task.totalBytes - e.startBytes) / Math.max(1, e.task.totalBytes))) : 0,
    Result: e.status === "ERROR"
      ? { TransferStatus: "ERROR", ErrorCode: e.failAfterPolls!.code, ErrorDetail: e.failAfterPolls!.detail }
      : { TransferStatus: e.status === "SUCCESS" ? "SUCCESS" : "PENDING" },
  });

  const operations: Record<string, (body: Record<string, unknown>) => unknown> = {
    CreateLocationObjectStorage: (body) => {
      for (const field of ["ServerHostname", "BucketName"]) {
        if (typeof body[field] !== "string" || !body[field]) throw new ApiError("InvalidRequestException", `${field} is required`);
      }
      if (body.CmkSecretConfig && body.CustomSecretConfig) throw new ApiError("InvalidRequestException", "Specify either CmkSecretConfig or CustomSecretConfig, not both");
      locations.push(body);
      return { LocationArn: `arn:aws:datasync:${REGION}:${ACCOUNT}:location/loc-${randomBytes(8).toString("hex")}` };
    },
    StartTaskExecution: (body) => {
      const task = tasks.get(String(body.TaskArn));
      if (!task) throw new ApiError("InvalidRequestException", `Task ${String(body.TaskArn)} not found`);
      const running = executions.find((e) => e.task === task && e.status !== "SUCCESS" && e.status !== "ERROR");
      if (running) throw new ApiError("InvalidRequestException", `Task ${task.arn} already has an execution in progress: ${running.arn}`);
      const e: Execution = {
        arn: `${task.arn}/execution/exec-${randomBytes(8).toString("hex")}`, task, status: "QUEUED", polls: 0,
        startBytes: task.copiedBytes, bytesTransferred: 0, failAfterPolls: pendingFailure, startedAt: Date.now(),
      };
      if (--pendingFailures <= 0) pendingFailure = undefined;
      executions.push(e);
      return { TaskExecutionArn: e.arn };
    },
    DescribeTaskExecution: (body) => {
      const e = executions.find((x) => x.arn === body.TaskExecutionArn);
      if (!e) throw new ApiError("InvalidRequestException", `Task execution ${String(body.TaskExecutionArn)} not found`);
      advance(e);
      return describe(e);
    },
    ListTaskExecutions: (body) => {
      const list = executions.filter((e) => !body.TaskArn || e.task.arn === body.TaskArn).reverse();
      const start = body.NextToken ? Number(body.NextToken) : 0;
      const max = typeof body.MaxResults === "number" ? body.MaxResults : 2;
      const page = list.slice(start, start + max);
      return {
        TaskExecutions: page.map((e) => ({ TaskExecutionArn: e.arn, Status: e.status, TaskMode: "ENHANCED" })),
        ...(start + max < list.length ? { NextToken: String(start + max) } : {}),
      };
    },
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const send = (status: number, body: unknown, type?: string) => {
        res.writeHead(status, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": randomBytes(8).toString("hex"), ...(type ? { "x-amzn-errortype": type } : {}) });
        res.end(JSON.stringify(body));
      };
      try {
        if (req.method !== "POST" || req.headers["content-type"] !== "application/x-amz-json-1.1") throw new ApiError("UnknownOperationException", "expected POST application/x-amz-json-1.1");
        if (!String(req.headers.authorization ?? "").startsWith("AWS4-HMAC-SHA256 ")) throw new ApiError("MissingAuthenticationTokenException", "Missing Authentication Token", 403);
        const target = String(req.headers["x-amz-target"] ?? "");
        const [service, operation] = target.split(".");
        if (service !== "FmrsService" || !operations[operation]) throw new ApiError("UnknownOperationException", `unknown target ${target}`);
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown>;
        calls.push({ operation, body });
        send(200, operations[operation](body));
      } catch (err) {
        const e = err instanceof ApiError ? err : new ApiError("InternalException", (err as Error).message, 500);
        send(e.status, { __type: e.type, message: e.message }, e.type);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    addTask(name, data) {
      const arn = `arn:aws:datasync:${REGION}:${ACCOUNT}:task/task-${name}`;
      tasks.set(arn, { arn, totalBytes: data.bytes, totalFiles: data.files, copiedBytes: 0, instant: data.instant === true });
      return arn;
    },
    failNextExecution(failure) {
      pendingFailure = { polls: failure.afterPolls, code: failure.code, detail: failure.detail };
      pendingFailures = failure.times ?? 1;
    },
    calls,
    locations,
    executions: (taskArn) => executions.filter((e) => e.task.arn === taskArn),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
