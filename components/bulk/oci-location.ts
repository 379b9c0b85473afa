// The OCI side of the bulk copy as a DataSync object-storage location: the bucket through OCI's
// Amazon S3 Compatibility API endpoint, authenticated with an OCI Customer Secret Key whose
// secret half lives in AWS Secrets Manager (CustomSecretConfig: DataSync reads it with a role
// we grant), so no secret is in stack config, Pulumi state or this call. The AWS provider's
// `aws.datasync.LocationObjectStorage` only takes the secret key as an input (it would be in
// the state), which is why this location is created through the API.
import { CreateLocationObjectStorageCommand, type DataSyncClient } from "@aws-sdk/client-datasync";

export interface OciLocationArgs {
  /** Object Storage namespace of the tenancy. */
  namespace: string;
  /** OCI region of the bucket, e.g. ca-toronto-1. */
  region: string;
  bucket: string;
  /** Key prefix in the bucket ("" for all). */
  prefix: string;
  /** The Customer Secret Key's access key (its OCID-like id is not a secret). */
  accessKeyId: string;
  /** Secrets Manager secret holding the Customer Secret Key's secret, as plain text. */
  secretArn: string;
  /** Role DataSync assumes to read that secret (secretsmanager:GetSecretValue on it only). */
  secretAccessRoleArn: string;
  /** Test servers: endpoint host override (default the OCI S3 compatibility host). */
  serverHostname?: string;
}

/** OCI's Amazon S3 Compatibility API host for a namespace and region (OCI docs, "Amazon S3 Compatibility API"). */
export function ociS3CompatHost(namespace: string, region: string): string {
  return `${namespace}.compat.objectstorage.${region}.oraclecloud.com`;
}

export async function createOciLocation(client: DataSyncClient, args: OciLocationArgs): Promise<string> {
  const out = await client.send(new CreateLocationObjectStorageCommand({
    ServerHostname: args.serverHostname ?? ociS3CompatHost(args.namespace, args.region),
    ServerProtocol: "HTTPS",
    ServerPort: 443,
    BucketName: args.bucket,
    Subdirectory: `/${args.prefix.replace(/^\/+/, "")}`,
    AccessKey: args.accessKeyId,
    CustomSecretConfig: { SecretArn: args.secretArn, SecretAccessRoleArn: args.secretAccessRoleArn },
    Tags: [{ Key: "managed-by", Value: "tundra-replatform" }],
  }));
  if (!out.LocationArn) throw new Error(`CreateLocationObjectStorage for ${args.bucket} returned no LocationArn`);
  return out.LocationArn;
}
