// The bulk copy's dynamic-resource operations (components/dynamic kit) against the DataSync
// stand-in with the real SDK client: check, create, the partial state of a failed run, the next
// `pulumi up` resuming it, and a new generation running the task again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as executionOps from "../../components/bulk/execution/operations";
import * as locationOps from "../../components/bulk/location/operations";
import { PartialBulkCopyError, type BulkExecutionOutputs } from "../../components/bulk/execution/operations";
import { startDataSyncServer, type DataSyncServer } from "../support/datasync-server";

describe("bulk copy dynamic resources (operations)", () => {
  let server: DataSyncServer;
  let settings: { endpoint: string };
  const saved = { ...process.env };

  beforeAll(async () => {
    server = await startDataSyncServer();
    settings = { endpoint: server.endpoint };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: "AKIDTEST", AWS_SECRET_ACCESS_KEY: "test", AWS_EC2_METADATA_DISABLED: "true" });
  });
  afterAll(async () => {
    process.env = saved;
    await server?.close();
  });

  it("settings come from tundra:dataSyncEndpoint or TUNDRA_DATASYNC_ENDPOINT, never from inputs", () => {
    expect(executionOps.settingsFrom((k) => (k === "dataSyncEndpoint" ? "http://x" : undefined), {})).toEqual({ endpoint: "http://x" });
    expect(executionOps.settingsFrom(() => undefined, { TUNDRA_DATASYNC_ENDPOINT: "http://y" })).toEqual({ endpoint: "http://y" });
    expect(executionOps.settingsFrom(() => undefined, {})).toEqual({});
  });

  it("the OCI location is created with the secret by reference and replaced on any change", async () => {
    const inputs = {
      awsRegion: "us-east-1", namespace: "ns1", ociRegion: "ca-toronto-1", bucket: "tundra-acme-prod", prefix: "data/",
      accessKeyId: "0123456789abcdef0123456789abcdef01234567", secretArn: "arn:aws:secretsmanager:us-east-1:111122223333:secret:tundra/acme-AbCdEf",
      secretAccessRoleArn: "arn:aws:iam::111122223333:role/tundra-acme-prod-bulk-secret-reader",
    };
    const bad = await locationOps.check({}, { ...inputs, secretArn: "tundra/acme" }, {});
    expect(bad.failures).toEqual([{ property: "secretArn", reason: expect.stringMatching(/must be a Secrets Manager secret ARN/) }]);
    const checked = await locationOps.check({}, inputs, {});
    const created = await locationOps.create(checked.inputs!, settings);
    expect(created.id).toMatch(/^arn:aws:datasync:us-east-1:111122223333:location\/loc-/);
    expect(created.outs).toMatchObject({ locationArn: created.id, secretArn: inputs.secretArn, schemaVersion: 1 });
    expect(JSON.stringify(created.outs)).not.toMatch(/SecretKey|secretKey/);
    expect((await locationOps.diff(created.id, created.outs, { ...checked.inputs!, bucket: "other" }, settings)).replaces).toEqual(["bucket"]);
    expect((await locationOps.diff(created.id, created.outs, checked.inputs!, settings)).changes).toBe(false);
  });

  it("runs the task to SUCCESS; a failed run leaves partial state that the next up resumes; a new generation runs it again", async () => {
    const taskArn = server.addTask("ops", { bytes: 5e9, files: 50, instant: true });
    const inputs = (await executionOps.check({}, { awsRegion: "us-east-1", taskArn, generation: "2026-12-01" }, {})).inputs!;
    expect(inputs).toMatchObject({ pollSeconds: 30, timeoutSeconds: 86400 });

    // Both the execution and its one retry fail: the run fails with partial state.
    server.failNextExecution({ afterPolls: 1, code: "S3Error", detail: "503 Slow Down", times: 2 });
    const error = await executionOps.create(inputs, settings).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartialBulkCopyError);
    const partial = error as PartialBulkCopyError;
    expect(partial.id).toBe(taskArn);
    expect(partial.properties).toMatchObject({ status: "ERROR", taskArn, generation: "2026-12-01", lastError: expect.stringMatching(/S3Error: 503 Slow Down/) });
    expect(partial.properties.executionArn).toBe(server.executions(taskArn)[1].arn);
    expect(server.executions(taskArn).map((e) => e.status)).toEqual(["ERROR", "ERROR"]);
    // The next `pulumi up`: not finished, so an update, which starts the task again and succeeds.
    expect((await executionOps.diff(taskArn, partial.properties, inputs, settings)).changes).toBe(true);
    const state = (await executionOps.update(taskArn, partial.properties, inputs, settings)).outs as BulkExecutionOutputs;
    expect(state).toMatchObject({ status: "SUCCESS", lastError: "" });
    expect(server.executions(taskArn).at(-1)!.status).toBe("SUCCESS");

    const executions = server.executions(taskArn).length;
    expect((await executionOps.diff(taskArn, state, inputs, settings)).changes).toBe(false);
    const next = { ...inputs, generation: "2026-12-08" };
    expect((await executionOps.diff(taskArn, state, next, settings)).changes).toBe(true);
    const again = (await executionOps.update(taskArn, state, next, settings)).outs as BulkExecutionOutputs;
    expect(again).toMatchObject({ status: "SUCCESS", generation: "2026-12-08" });
    expect(again.executionArn).not.toBe(state.executionArn);
    expect(server.executions(taskArn)).toHaveLength(executions + 1);
    expect((await executionOps.diff(taskArn, again, { ...next, taskArn: taskArn.replace("ops", "other") }, settings)).replaces).toEqual(["taskArn"]);
  });
});
