// The bulk copy's execution resource through the real dynamic-provider host, serialized as
// `new pulumi.dynamic.Resource` does: create runs the task to SUCCESS against the DataSync
// stand-in; a failed run is recorded as partial state and the next `up` resumes it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProviderCallError, partialState, serializeProvider, startProviderHost, up, type ProviderHost } from "../support/provider-host";
import { startDataSyncServer, type DataSyncServer } from "../support/datasync-server";

describe("DataSyncBulkExecution in the provider host", () => {
  let server: DataSyncServer;
  let host: ProviderHost;
  let provider: string;

  beforeAll(async () => {
    server = await startDataSyncServer();
    provider = await serializeProvider("components/bulk/provider.ts", "bulkExecutionProvider");
    host = await startProviderHost({
      env: { TUNDRA_DATASYNC_ENDPOINT: server.endpoint, AWS_ACCESS_KEY_ID: "AKIDTEST", AWS_SECRET_ACCESS_KEY: "test", AWS_EC2_METADATA_DISABLED: "true" },
      deadlineMs: 60_000,
    });
  }, 180_000);
  afterAll(async () => {
    await host?.stop();
    await server?.close();
  });

  it("runs the task, and after a failed run the next up resumes from the recorded execution", async () => {
    const taskArn = server.addTask("host", { bytes: 3e9, files: 30, instant: true });
    const inputs = { awsRegion: "us-east-1", taskArn, generation: "g1", pollSeconds: 5, timeoutSeconds: 60 };
    server.failNextExecution({ afterPolls: 1, code: "S3Error", detail: "throttled", times: 2 });
    const failed = await up(host, provider, undefined, inputs).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ProviderCallError);
    const partial = partialState(failed as ProviderCallError, inputs);
    expect(partial.outputs).toMatchObject({ status: "ERROR", executionArn: server.executions(taskArn)[1].arn, schemaVersion: 1 });
    expect(partial.initErrors![0]).toMatch(/S3Error: throttled/);

    const resumed = await up(host, provider, partial, inputs);
    expect(resumed.op).toBe("update");
    expect(resumed.state!.outputs).toMatchObject({ status: "SUCCESS", generation: "g1", bytesTransferred: 3e9 });
    expect(host.output()).toMatch(/\[bulk-copy\] SUCCESS 100\.0%: 3\.00 of 3\.00 GB/);

    const same = await up(host, provider, resumed.state, inputs);
    expect(same.op).toBe("same");
  }, 120_000);
});
