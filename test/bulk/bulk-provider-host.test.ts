// The bulk copy's execution resource through the real dynamic-provider host, serialized as
// `new pulumi.dynamic.Resource` does: create runs the task to SUCCESS against the DataSync
// stand-in; a failed run is recorded as partial state and the next `up` resumes it.
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { destroy, ProviderCallError, partialState, refresh, serializeProvider, startProviderHost, up, type ProviderHost, type ResourceState } from "../support/provider-host";
import { startDataSyncServer, type DataSyncServer } from "../support/datasync-server";

describe("DataSyncBulkExecution in the provider host", () => {
  let server: DataSyncServer;
  let host: ProviderHost;
  let provider: string;

  beforeAll(async () => {
    server = await startDataSyncServer();
    provider = await serializeProvider("components/bulk/execution/provider.ts", "bulkExecutionProvider");
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

  it("both bulk providers refuse a state with a schemaVersion they do not know, in diff, refresh and destroy", async () => {
    const locationProvider = await serializeProvider("components/bulk/location/provider.ts", "ociLocationProvider");
    const taskArn = server.addTask("versions", { bytes: 1e6, files: 1, instant: true });
    const execution = { awsRegion: "us-east-1", taskArn, generation: "g1", pollSeconds: 5, timeoutSeconds: 60 };
    const location = {
      awsRegion: "us-east-1", namespace: "axaxnpcrorw5", ociRegion: "ca-toronto-1", bucket: "tundra-acme-prod", prefix: "data/", accessKeyId: "0123456789abcdef",
      secretArn: "arn:aws:secretsmanager:us-east-1:111122223333:secret:tundra/acme-AbCdEf", secretAccessRoleArn: "arn:aws:iam::111122223333:role/acme-bulk-secret-role",
    };
    const stored = (name: string, p: string, id: string, inputs: Record<string, unknown>, outputs: Record<string, unknown>): [string, ResourceState] =>
      [name, { id, inputs: { ...inputs, __provider: p }, outputs: { ...inputs, ...outputs, schemaVersion: 2, __provider: p } }];
    for (const [name, state] of [
      stored("DataSyncBulkExecution", provider, taskArn, execution, { executionArn: "", status: "SUCCESS", bytesTransferred: 0, filesTransferred: 0, filesVerified: 0, lastError: "", finishedAt: "" }),
      stored("DataSyncOciLocation", locationProvider, "arn:aws:datasync:us-east-1:111122223333:location/loc-0123456789abcdef0", location, { locationArn: "arn:aws:datasync:us-east-1:111122223333:location/loc-0123456789abcdef0" }),
    ]) {
      const failures = [
        await host.diff(state.id, state.outputs, state.inputs).catch((e: unknown) => e),
        await refresh(host, state).catch((e: unknown) => e),
        await destroy(host, state).catch((e: unknown) => e),
      ];
      for (const err of failures) {
        expect(err).toBeInstanceOf(ProviderCallError);
        expect((err as Error).message).toContain(`${name}: the stored state has schemaVersion 2, which this checkout does not know`);
      }
    }
  }, 60_000);

  it("serializes only the operations module path of each: no absolute path, schema or SDK", async () => {
    const location = await serializeProvider("components/bulk/location/provider.ts", "ociLocationProvider");
    expect(provider).toContain('"components/bulk/execution/operations"');
    expect(location).toContain('"components/bulk/location/operations"');
    for (const text of [provider, location]) {
      expect(text).not.toContain(path.resolve(__dirname, "..", ".."));
      expect(text).not.toMatch(/zod|client-datasync|globalThis/);
    }
  });
});
