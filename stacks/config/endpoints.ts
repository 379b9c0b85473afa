// `tundra:endpoints` (optional): where the program's own calls go instead of each service's public
// endpoint, for private endpoints (OCI Object Storage through a private endpoint, an S3 VPC
// endpoint) and for the local rehearsal (`npm run rehearse`, which points every one at a stand-in
// on 127.0.0.1). Only addresses: credentials never go here. Each key names the resource inputs
// that read it (docs/rehearsal.md, "Endpoints").
import { z } from "zod";
import { boolean, text } from "./fields";
import type { ConfigIssue, PartialConfig } from "./index";

const url = (example: string) => text(/^https?:\/\/[^\s/?#]+(:\d+)?\/?$/, `an http(s) base URL without a path, such as ${example}`);

export const endpointsSchema = z
  .strictObject({
    /**
     * OCI Object Storage (the tenant bucket): DataSync's destination.endpoint, Hydration's
     * endpoint and the agents' config (user data `endpoint`). A private endpoint looks like
     * https://<prefix>-<namespace>.private.objectstorage.<region>.oci.customer-oci.com
     * (OCI docs, "Private Endpoints for Object Storage").
     */
    ociObjectStorage: url("https://objectstorage.us-ashburn-1.oraclecloud.com").optional(),
    /** S3 (the source bucket): DataSync's source.endpoint, with s3ForcePathStyle. */
    s3: url("https://s3.us-east-1.amazonaws.com").optional(),
    /**
     * Path-style S3 addressing (https://host/bucket/key): S3-compatible servers and VPC interface
     * endpoints need it (AWS S3 user guide, "Virtual hosting of buckets"). Default: true when
     * `s3` is set, else the SDK's virtual-hosted style.
     */
    s3ForcePathStyle: boolean.optional(),
    /** Route53 API: the Cutover's and the DecommissionGuard's provider setting `route53Endpoint`. */
    route53: url("https://route53.amazonaws.com").optional(),
  })
  .superRefine((section, ctx) => {
    if (section.s3ForcePathStyle === true && section.s3 === undefined) {
      ctx.addIssue({ code: "custom", path: ["s3ForcePathStyle"], message: "applies to an S3 endpoint of your own: set tundra:endpoints.s3 too, or remove s3ForcePathStyle" });
    }
  })
  .optional();

export type EndpointsSection = z.output<typeof endpointsSchema>;

/** One S3 endpoint: `tundra:endpoints.s3` and `tundra:dataSync.source.endpoint` name the same thing. */
export function oneS3Endpoint({ endpoints, dataSync }: PartialConfig): ConfigIssue[] {
  const own = dataSync?.source?.endpoint;
  if (!endpoints?.s3 || !own || own === endpoints.s3) return [];
  return [{ key: "tundra:endpoints.s3", message: `differs from tundra:dataSync.source.endpoint (${own}): both name the S3 endpoint the data is read from; keep one` }];
}
