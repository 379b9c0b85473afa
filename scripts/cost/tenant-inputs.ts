// Reads what the cost estimate needs for one tenant: its stack config (through the project's
// config parser, so an invalid stack is reported the same way as everywhere else) and its source
// size (the DataSync receipt of a finished sync, else an S3 listing when asked, else the fleet file).
import * as path from "path";
import { parseStackConfig, type TenantConfig } from "../../stacks/config";
import { readStackConfig } from "../plan/run";
import { S3Store } from "../../components/transfer/s3-store";
import type { TenantCostInput } from "../../components/cost/fleet";

export function loadTenantConfigFile(file: string): { config?: TenantConfig; error?: string } {
  try {
    const parsed = parseStackConfig(readStackConfig(file));
    if (!parsed.ok) return { error: `${path.basename(file)}: ${parsed.issues.length} config problem(s), first ${parsed.issues[0].key}: ${parsed.issues[0].message}` };
    return { config: parsed.config };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** Bytes under the tenant's S3 source prefix, summed from a listing (the AWS default credential chain). */
export async function listSourceBytes(config: TenantConfig): Promise<number> {
  const source = config.dataSync?.source;
  if (!source) throw new Error("the stack has no tundra:dataSync.source to list");
  const store = new S3Store({ bucket: source.bucket, prefix: source.prefix, region: source.region, endpoint: source.endpoint, forcePathStyle: source.endpoint !== undefined });
  let bytes = 0;
  for await (const object of store.list()) bytes += object.size;
  return bytes;
}

export interface TenantSource {
  stack: string;
  wave: string;
  configFile: string;
  /** A finished sync's totalBytes (the fleet state, or a stack output). */
  receiptBytes?: number | null;
  fleetFileBytes?: number;
  egressGBPerMonth?: number;
}

export async function tenantCostInput(t: TenantSource, options: { listSource?: boolean; infrequentShare?: number } = {}): Promise<TenantCostInput> {
  const { config, error } = loadTenantConfigFile(t.configFile);
  let sourceBytes = 0;
  let from: TenantCostInput["sourceBytesFrom"] = "unknown";
  if (typeof t.receiptBytes === "number") {
    sourceBytes = t.receiptBytes;
    from = "receipt";
  } else if (options.listSource && config?.dataSync) {
    sourceBytes = await listSourceBytes(config);
    from = "listing";
  } else if (t.fleetFileBytes !== undefined) {
    sourceBytes = t.fleetFileBytes;
    from = "fleet file";
  }
  return {
    stack: t.stack,
    wave: t.wave,
    ...(config ? { sizing: config } : { configError: error }),
    sourceBytes,
    sourceBytesFrom: from,
    egressGBPerMonth: t.egressGBPerMonth ?? 0,
    // The bulk copy runs DataSync in Enhanced mode (components/aws/datasync-bulk.ts).
    ...(config?.dataSync?.bulk?.engine === "aws-datasync" ? { dataSyncMode: "enhanced" as const } : {}),
    infrequentShare: options.infrequentShare,
    ...(config?.dataSync?.copyWindowHours !== undefined ? { copyWindowHours: config.dataSync.copyWindowHours } : {}),
  };
}
