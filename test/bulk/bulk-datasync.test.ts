// The bulk copy engine on AWS DataSync against the local stand-in of the DataSync API, with the
// real @aws-sdk/client-datasync as the client: start, poll with progress, fail, resume.
import { DataSyncClient } from "@aws-sdk/client-datasync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BulkCopyError, runBulkCopy, type BulkCopyProgress } from "../../components/bulk/datasync-execution";
import { createOciLocation, ociS3CompatHost } from "../../components/bulk/oci-location";
import { startDataSyncServer, type DataSyncServer } from "../support/datasync-server";

const GiB = 1024 ** 3;

describe("bulk copy on AWS DataSync (local stand-in, real SDK client)", () => {
  let server: DataSyncServer;
  let client: DataSyncClient;
  const noSleep = async () => {};

  beforeAll(async () => {
    server = await startDataSyncServer();
    client = new DataSyncClient({ endpoint: server.endpoint, region: "us-east-1", credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "test" }, maxAttempts: 1 });
  });
  afterAll(async () => {
    client?.destroy();
    await server?.close();
  });

  it("starts the task's execution and polls it to SUCCESS, reporting progress as it moves", async () => {
    const taskArn = server.addTask("happy", { bytes: 40 * GiB, files: 400 });
    const progress: BulkCopyProgress[] = [];
    const recorded: string[] = [];
    const result = await runBulkCopy({ client, taskArn, sleep: noSleep, onProgress: (p) => progress.push(p), onExecution: (arn) => recorded.push(arn) });
    expect(result).toMatchObject({ how: "started", retries: 0, bytesTransferred: 40 * GiB, filesTransferred: 400, filesVerified: 400 });
    expect(recorded).toEqual([result.executionArn]);
    expect(progress.map((p) => p.status)).toEqual(["LAUNCHING", "PREPARING", "TRANSFERRING", "TRANSFERRING", "TRANSFERRING", "TRANSFERRING", "VERIFYING", "SUCCESS"]);
    expect(progress.filter((p) => p.status === "TRANSFERRING").map((p) => p.fraction)).toEqual([0.25, 0.5, 0.75, 1]);
    expect(progress[0].fraction).toBeNull();
    expect(server.calls.filter((c) => c.operation === "StartTaskExecution")).toHaveLength(1);
  });

  it("a failed execution is started again, and the second copies only what the first did not", async () => {
    const taskArn = server.addTask("flaky", { bytes: 8 * GiB, files: 80 });
    server.failNextExecution({ afterPolls: 4, code: "OpNotSupp", detail: "Transfer failed: connection reset by the OCI endpoint" });
    const result = await runBulkCopy({ client, taskArn, sleep: noSleep });
    const [first, second] = server.executions(taskArn);
    expect(first.status).toBe("ERROR");
    expect(result).toMatchObject({ how: "started", retries: 1, executionArn: second.arn });
    expect(second.startBytes).toBe(first.bytesTransferred);
    expect(result.bytesTransferred).toBe(8 * GiB - first.bytesTransferred);
  });

  it("fails with the execution's error code and detail once the retries are spent", async () => {
    const taskArn = server.addTask("broken", { bytes: GiB, files: 10 });
    server.failNextExecution({ afterPolls: 2, code: "AccessDenied", detail: "The secret could not be read" });
    const error = await runBulkCopy({ client, taskArn, sleep: noSleep, maxRetries: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BulkCopyError);
    expect(error).toMatchObject({ errorCode: "AccessDenied", errorDetail: "The secret could not be read", executionArn: server.executions(taskArn)[0].arn });
    expect((error as Error).message).toMatch(/failed \(AccessDenied: The secret could not be read\) after 0 retries; the next run starts the task again/);
  });

  it("resumes after a lost process: follows the running execution instead of starting a second one", async () => {
    const taskArn = server.addTask("lost", { bytes: 4 * GiB, files: 40 });
    // A first run starts the execution and gives up waiting (its process is gone).
    const timedOut = await runBulkCopy({ client, taskArn, sleep: noSleep, pollIntervalMs: 1000, timeoutMs: 500 }).catch((e: unknown) => e);
    expect(timedOut).toBeInstanceOf(BulkCopyError);
    expect((timedOut as Error).message).toMatch(/still LAUNCHING .* the next run follows it/);
    const resumed = await runBulkCopy({ client, taskArn, sleep: noSleep });
    expect(resumed.how).toBe("followed");
    expect(server.executions(taskArn)).toHaveLength(1);
    // Run again with the recorded ARN: nothing started, nothing copied.
    const again = await runBulkCopy({ client, taskArn, sleep: noSleep, executionArn: resumed.executionArn });
    expect(again.how).toBe("already-succeeded");
    expect(server.executions(taskArn)).toHaveLength(1);
  });

  it("a recorded execution that failed is resumed with a new one", async () => {
    const taskArn = server.addTask("recorded-failure", { bytes: 2 * GiB, files: 20 });
    server.failNextExecution({ afterPolls: 3, code: "InternalError", detail: "x" });
    const failed = (await runBulkCopy({ client, taskArn, sleep: noSleep, maxRetries: 0 }).catch((e: BulkCopyError) => e)) as BulkCopyError;
    const result = await runBulkCopy({ client, taskArn, sleep: noSleep, executionArn: failed.executionArn });
    expect(result.how).toBe("started");
    expect(server.executions(taskArn).map((e) => e.status)).toEqual(["ERROR", "SUCCESS"]);
  });

  it("the stand-in refuses a second execution of a running task, as DataSync allows one at a time", async () => {
    const taskArn = server.addTask("single", { bytes: GiB, files: 1 });
    await runBulkCopy({ client, taskArn, sleep: noSleep, timeoutMs: 0 }).catch(() => {});
    const { StartTaskExecutionCommand } = await import("@aws-sdk/client-datasync");
    await expect(client.send(new StartTaskExecutionCommand({ TaskArn: taskArn }))).rejects.toMatchObject({ name: "InvalidRequestException" });
  });

  it("creates the OCI location on the S3 compatibility endpoint with the secret in Secrets Manager, never in the call", async () => {
    const arn = await createOciLocation(client, {
      namespace: "axaxnpcrorw5", region: "ca-toronto-1", bucket: "tundra-acme-prod", prefix: "data/",
      accessKeyId: "0123456789abcdef0123456789abcdef01234567", secretArn: "arn:aws:secretsmanager:us-east-1:111122223333:secret:tundra/acme-oci-s3-AbCdEf",
      secretAccessRoleArn: "arn:aws:iam::111122223333:role/tundra-acme-datasync-secret",
    });
    expect(arn).toMatch(/^arn:aws:datasync:us-east-1:111122223333:location\/loc-/);
    const location = server.locations.at(-1)!;
    expect(location).toMatchObject({
      ServerHostname: "axaxnpcrorw5.compat.objectstorage.ca-toronto-1.oraclecloud.com", ServerProtocol: "HTTPS", ServerPort: 443,
      BucketName: "tundra-acme-prod", Subdirectory: "/data/", CustomSecretConfig: { SecretArn: expect.stringContaining(":secret:tundra/"), SecretAccessRoleArn: expect.stringContaining(":role/") },
    });
    expect(location).not.toHaveProperty("SecretKey");
    expect(ociS3CompatHost("ns", "us-ashburn-1")).toBe("ns.compat.objectstorage.us-ashburn-1.oraclecloud.com");
  });
});
