// Operations of the DataSyncBulkExecution dynamic resource (components/dynamic kit): `pulumi up`
// runs the DataSync task (datasync-execution.ts) and waits for it, printing progress to stderr
// (pulumi.log does not reach the engine from a dynamic provider). A new `generation` runs it
// again; a failed or timed-out run is recorded as partial state carrying the execution ARN, so
// the next `pulumi up` follows or resumes that execution instead of starting from nothing.
import type * as pulumi from "@pulumi/pulumi";
import type { Operations, Props } from "../../dynamic/operations";
import { plainJson } from "../../dynamic/outputs";
import { bulkSettingsFrom, dataSyncClient, type BulkSettings } from "../client";
import { BulkCopyError, runBulkCopy, type BulkCopyProgress } from "../datasync-execution";
import { checkResourceInputs, resourceInputs } from "../inputs";
import { inputsSchema, type BulkExecutionInputs } from "./spec";

export interface BulkExecutionOutputs extends BulkExecutionInputs {
  executionArn: string;
  status: "SUCCESS" | "ERROR" | "RUNNING";
  bytesTransferred: number;
  filesTransferred: number;
  filesVerified: number;
  lastError: string;
  finishedAt: string;
  schemaVersion: 1;
}

/** A failed run with what the engine records as the resource's partial state. */
export class PartialBulkCopyError extends Error {
  constructor(message: string, readonly id: string, readonly properties: BulkExecutionOutputs, readonly reasons: string[]) {
    super(message);
    this.name = "PartialBulkCopyError";
  }
}

function progressLine(p: BulkCopyProgress): string {
  const pct = p.fraction === null ? "" : ` ${(p.fraction * 100).toFixed(1)}%`;
  return `[bulk-copy] ${p.status}${pct}: ${(p.bytesTransferred / 1e9).toFixed(2)} of ${(p.estimatedBytes / 1e9).toFixed(2)} GB, ${p.filesTransferred} of ${p.estimatedFiles} objects (${p.executionArn})`;
}

export async function runExecution(inputs: BulkExecutionInputs, settings: BulkSettings, previous?: Partial<BulkExecutionOutputs>, log: (line: string) => void = (l) => console.error(l)): Promise<{ id: string; outs: BulkExecutionOutputs }> {
  const client = dataSyncClient(inputs.awsRegion, settings);
  let executionArn = previous?.executionArn || undefined;
  // A new generation must not be satisfied by the old generation's finished execution.
  if (previous?.status === "SUCCESS" && previous.generation !== inputs.generation) executionArn = undefined;
  const id = inputs.taskArn;
  try {
    const result = await runBulkCopy({
      client, taskArn: inputs.taskArn, executionArn,
      pollIntervalMs: inputs.pollSeconds * 1000, timeoutMs: inputs.timeoutSeconds * 1000,
      onProgress: (p) => log(progressLine(p)),
      onExecution: (arn) => {
        executionArn = arn;
        log(`[bulk-copy] following ${arn}`);
      },
    });
    return {
      id,
      outs: plainJson({
        ...inputs, executionArn: result.executionArn, status: "SUCCESS" as const, bytesTransferred: result.bytesTransferred,
        filesTransferred: result.filesTransferred, filesVerified: result.filesVerified, lastError: "", finishedAt: new Date().toISOString(), schemaVersion: 1 as const,
      }),
    };
  } catch (err) {
    const arn = err instanceof BulkCopyError ? err.executionArn ?? executionArn : executionArn;
    const stillRunning = err instanceof BulkCopyError && !err.errorCode && /still /.test(err.message);
    const message = (err as Error).message ?? String(err);
    const properties = plainJson({
      ...inputs, executionArn: arn ?? "", status: stillRunning ? ("RUNNING" as const) : ("ERROR" as const), bytesTransferred: previous?.bytesTransferred ?? 0,
      filesTransferred: previous?.filesTransferred ?? 0, filesVerified: previous?.filesVerified ?? 0, lastError: message, finishedAt: "", schemaVersion: 1 as const,
    });
    throw new PartialBulkCopyError(`bulk copy of ${inputs.taskArn}: ${message}`, id, properties, [message]);
  } finally {
    client.destroy();
  }
}

const operations: Operations<BulkSettings> = {
  resourceName: "DataSyncBulkExecution",
  stateVersions: { current: 1, migrations: {} },
  settingsFrom: bulkSettingsFrom,

  async check(_olds, news) {
    return checkResourceInputs(inputsSchema, news);
  },

  async diff(_id, olds, news): Promise<pulumi.dynamic.DiffResult> {
    const replaces = ["taskArn", "awsRegion"].filter((k) => olds[k] !== news[k]);
    // Not finished last time: the next up follows or resumes the execution.
    const changes = replaces.length > 0 || olds.generation !== news.generation || olds.status !== "SUCCESS" ||
      olds.pollSeconds !== news.pollSeconds || olds.timeoutSeconds !== news.timeoutSeconds;
    return { changes, replaces, deleteBeforeReplace: true };
  },

  async create(inputs, settings) {
    return runExecution(inputsSchema.parse(resourceInputs(inputs)), settings);
  },

  async read(id, props) {
    return { id, props };
  },

  async update(_id, olds, news, settings) {
    const { outs } = await runExecution(inputsSchema.parse(resourceInputs(news)), settings, olds as Partial<BulkExecutionOutputs>);
    return { outs };
  },

  // The copied objects belong to the tenant bucket: destroying this resource deletes nothing.
  async remove(_id: string, _props: Props) {},
};

export const { resourceName, stateVersions, settingsFrom, check, diff, create, read, update, remove } = operations;
