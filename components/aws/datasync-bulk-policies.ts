// IAM policy documents of the bulk copy on AWS DataSync. Pure, so their scope is tested directly.
// Sources: DataSync User Guide, "Providing DataSync access to S3 buckets" (the bucket-level and
// object-level actions a source location needs) and "Cross-service confused deputy prevention"
// (aws:SourceAccount and aws:SourceArn in the trust policy); Secrets Manager: a role DataSync
// assumes to read a CustomSecretConfig secret needs secretsmanager:GetSecretValue on it.
import { partitionOf, type PolicyDocument, type PolicyStatement, type SourceReadScope } from "./policies";

/** DataSync of this account and region, and nothing else, may assume the role. */
export function dataSyncTrustPolicy(accountId: string, region: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{
      Sid: "DataSyncOfThisAccountAssumes",
      Effect: "Allow",
      Action: "sts:AssumeRole",
      Principal: { Service: "datasync.amazonaws.com" },
      Condition: {
        StringEquals: { "aws:SourceAccount": accountId },
        ArnLike: { "aws:SourceArn": `arn:${partitionOf(region)}:datasync:${region}:${accountId}:*` },
      },
    }],
  };
}

/** What a DataSync S3 *source* location reads: list the prefix, read its objects and tags; no write. */
export function dataSyncSourceReadPolicy(scope: SourceReadScope): PolicyDocument {
  const arn = `arn:${partitionOf(scope.region)}:s3:::${scope.bucket}`;
  const statements: PolicyStatement[] = [
    { Sid: "LocateAndListTenantBucket", Effect: "Allow", Action: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"], Resource: arn },
    { Sid: "ReadTenantObjects", Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectTagging", "s3:GetObjectVersion", "s3:GetObjectVersionTagging"], Resource: `${arn}/${scope.prefix}*` },
  ];
  if (scope.kmsKeyArn) {
    statements.push({
      Sid: "DecryptTenantObjectsThroughS3", Effect: "Allow", Action: "kms:Decrypt", Resource: scope.kmsKeyArn,
      Condition: { StringEquals: { "kms:ViaService": `s3.${scope.region}.amazonaws.com` } },
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}

/** Read the one secret holding the OCI Customer Secret Key's secret. */
export function dataSyncSecretReadPolicy(secretArn: string): PolicyDocument {
  return { Version: "2012-10-17", Statement: [{ Sid: "ReadOciSecretKey", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secretArn }] };
}

/**
 * OCI IAM statements for the bulk copy's OCI user (its group): objects of the tenant bucket
 * only, through the S3 compatibility API (which also reads the bucket itself).
 */
export function ociBulkWriterStatements(group: string, compartmentId: string, bucket: string): string[] {
  const where = `where target.bucket.name = '${bucket}'`;
  return [
    `Allow group ${group} to read buckets in compartment id ${compartmentId} ${where}`,
    `Allow group ${group} to manage objects in compartment id ${compartmentId} ${where}`,
  ];
}
