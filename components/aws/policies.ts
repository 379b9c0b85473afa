// IAM policy documents for what the migration owns on AWS. Pure (no Pulumi), so their scope is
// tested directly: read-only, one bucket, one prefix, never `s3:*` or `Resource: "*"`.

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow";
  Action: string | string[];
  /** Absent only in a trust policy (its resource is the role itself). */
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
  Principal?: { AWS: string[] } | { Service: string };
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

/** The ARN partition of a region (aws, aws-us-gov, aws-cn). */
export function partitionOf(region: string): string {
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("cn-")) return "aws-cn";
  return "aws";
}

export interface SourceReadScope {
  /** AWS region of the bucket (decides the partition and the KMS condition). */
  region: string;
  bucket: string;
  /** Normalized prefix ("tenants/acme/") or "" for the whole bucket. */
  prefix: string;
  /** The bucket's SSE-KMS key, when objects are encrypted with one. */
  kmsKeyArn?: string;
}

/**
 * What the transfer engine needs to read a sync source: ListObjectsV2 under the prefix
 * (s3:ListBucket, with the s3:prefix condition) and GetObject/HeadObject of the objects under
 * it (s3:GetObject, plus s3:GetObjectVersion for versioned reads), and kms:Decrypt through S3 only.
 */
export function syncSourceReadPolicy(scope: SourceReadScope): PolicyDocument {
  const arn = `arn:${partitionOf(scope.region)}:s3:::${scope.bucket}`;
  const statements: PolicyStatement[] = [
    {
      Sid: "ListTenantPrefix",
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: arn,
      ...(scope.prefix ? { Condition: { StringLike: { "s3:prefix": [scope.prefix, `${scope.prefix}*`] } } } : {}),
    },
    { Sid: "ReadTenantObjects", Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectVersion"], Resource: `${arn}/${scope.prefix}*` },
  ];
  if (scope.kmsKeyArn) {
    statements.push({
      Sid: "DecryptTenantObjectsThroughS3",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: scope.kmsKeyArn,
      Condition: { StringEquals: { "kms:ViaService": `s3.${scope.region}.amazonaws.com` } },
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}

/** Who may assume the sync runner's role: the listed principals, with the external id when given. */
export function assumeRolePolicy(principals: string[], externalId?: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "SyncRunnersAssume",
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Principal: { AWS: principals },
        ...(externalId ? { Condition: { StringEquals: { "sts:ExternalId": externalId } } } : {}),
      },
    ],
  };
}
