// Operations of the DataSyncOciLocation dynamic resource (components/dynamic kit): creates the
// object-storage location on OCI's S3 compatibility endpoint with the secret by reference
// (oci-location.ts), replaces it when any input changes (DataSync locations are immutable here),
// deletes it on destroy.
import { DeleteLocationCommand, DescribeLocationObjectStorageCommand } from "@aws-sdk/client-datasync";
import type * as pulumi from "@pulumi/pulumi";
import type { Operations, Props } from "../../dynamic/operations";
import { plainJson } from "../../dynamic/outputs";
import { bulkSettingsFrom, dataSyncClient, type BulkSettings } from "../client";
import { createOciLocation } from "../oci-location";
import { checkResourceInputs, resourceInputs } from "../inputs";
import { inputsSchema, type OciLocationInputs } from "./spec";

const INPUTS = Object.keys(inputsSchema.shape) as Array<keyof OciLocationInputs>;

const operations: Operations<BulkSettings> = {
  resourceName: "DataSyncOciLocation",
  stateVersions: { current: 1, migrations: {} },
  settingsFrom: bulkSettingsFrom,

  async check(_olds, news) {
    return checkResourceInputs(inputsSchema, news);
  },

  async diff(_id, olds, news): Promise<pulumi.dynamic.DiffResult> {
    const replaces = INPUTS.filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
    return { changes: replaces.length > 0, replaces, deleteBeforeReplace: false };
  },

  async create(inputs, settings) {
    const args = inputsSchema.parse(resourceInputs(inputs));
    const client = dataSyncClient(args.awsRegion, settings);
    try {
      const locationArn = await createOciLocation(client, { ...args, region: args.ociRegion });
      return { id: locationArn, outs: plainJson({ ...args, locationArn, schemaVersion: 1 }) };
    } finally {
      client.destroy();
    }
  },

  async read(id, props, settings) {
    const client = dataSyncClient(props.awsRegion, settings);
    try {
      const found = await client.send(new DescribeLocationObjectStorageCommand({ LocationArn: id }));
      return { id, props: plainJson({ ...props, locationUri: found.LocationUri }) };
    } catch (err) {
      if ((err as { name?: string }).name === "InvalidRequestException") return { id: "", props: {} };
      throw err;
    } finally {
      client.destroy();
    }
  },

  async update(): Promise<pulumi.dynamic.UpdateResult> {
    throw new Error("DataSyncOciLocation never updates in place: every input change replaces it");
  },

  async remove(id, props: Props, settings) {
    const client = dataSyncClient(props.awsRegion, settings);
    try {
      await client.send(new DeleteLocationCommand({ LocationArn: id }));
    } finally {
      client.destroy();
    }
  },
};

// The kit loads this module and calls its exports (components/dynamic/dispatch.ts).
export const { resourceName, stateVersions, settingsFrom, check, diff, create, read, update, remove } = operations;
