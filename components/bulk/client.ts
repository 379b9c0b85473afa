// The DataSync client of the bulk copy's dynamic resources: the AWS default credential chain, the
// task's region, the SDK's standard retries; an endpoint override only for tests
// (`tundra:dataSyncEndpoint` or TUNDRA_DATASYNC_ENDPOINT), never a credential from config.
import { DataSyncClient } from "@aws-sdk/client-datasync";
import type { ConfigReader } from "../dynamic/operations";

export interface BulkSettings {
  endpoint?: string;
}

export function bulkSettingsFrom(config: ConfigReader, env: NodeJS.ProcessEnv): BulkSettings {
  const endpoint = config("dataSyncEndpoint") || env.TUNDRA_DATASYNC_ENDPOINT || undefined;
  return endpoint ? { endpoint } : {};
}

export function dataSyncClient(region: string, settings: BulkSettings): DataSyncClient {
  return new DataSyncClient({ region, ...(settings.endpoint ? { endpoint: settings.endpoint } : {}), maxAttempts: 5 });
}
