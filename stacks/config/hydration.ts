// `tundra:hydration` (optional; defaults shown): how the query nodes load the synced data. The
// data prefix is DataSync's destination prefix; credentials never go here (see docs/hydration.md).
import { z } from "zod";
import { runtimeUrlNeedsInternet } from "../../components/hydration/runtime-source";
import { inputsSchema } from "../../components/hydration/spec";
import { integer, numeric, text } from "./fields";
import type { ConfigIssue, PartialConfig } from "./index";

export const hydrationSchema = z
  .strictObject({
    // The Hydration resource's own fields (components/hydration/spec.ts); the resource fills the defaults.
    /** How long `pulumi up` waits for every node to load the generation (default 480 s). */
    timeoutSeconds: numeric(inputsSchema.shape.timeoutSeconds.removeDefault()).optional(),
    /** Parallel downloads per node (default 16). */
    concurrency: numeric(inputsSchema.shape.concurrency.removeDefault()).optional(),
    /** Where generations live on a node's data volume (default /mnt/tundra). */
    dataRoot: text(/^\/[A-Za-z0-9._/-]*$/, "an absolute path such as /mnt/tundra").optional(),
    /** How often the node agents look for a new generation (default 10 s). */
    pollSeconds: integer(1, 3600).optional(),
    /**
     * Node.js for the agent from this tarball instead of the OS repositories (default: Oracle
     * Linux AppStream, no internet). Outside the region's Object Storage it needs
     * `tundra:network.natGateway: true` (rules.ts). Set with nodeRuntimeSha256.
     */
    nodeRuntimeUrl: text(/^https:\/\/[^\s'"]+$/, "an https URL of a Node.js linux tarball").optional(),
    /** SHA-256 of that tarball: the node refuses anything else. */
    nodeRuntimeSha256: text(/^[0-9a-f]{64}$/, "64 lower-case hex digits (the tarball's SHA-256)").optional(),
    /** Removed: nodes install no npm packages (the agent is one self-contained bundle). */
    npmRegistry: z
      .unknown()
      .refine(() => false, { message: "is no longer used: nodes install no npm packages (the agent is one self-contained bundle in the tenant bucket); delete this key" })
      .optional(),
  })
  .superRefine((section, ctx) => {
    if ((section.nodeRuntimeUrl === undefined) !== (section.nodeRuntimeSha256 === undefined)) {
      const missing = section.nodeRuntimeUrl === undefined ? "nodeRuntimeUrl" : "nodeRuntimeSha256";
      ctx.addIssue({ code: "custom", path: [missing], message: "nodeRuntimeUrl and nodeRuntimeSha256 go together: set both (or neither, for the OS repositories)" });
    }
  })
  .optional();

export type HydrationSection = z.output<typeof hydrationSchema>;

/**
 * The query nodes sit in a private subnet whose default route reaches Oracle services only (the
 * service gateway): a config choice that needs the internet at boot is refused unless the stack
 * also declares the NAT gateway, so that a node never retries forever against a URL it cannot reach.
 */
export function hydrationInternetRule({ tenant, network, hydration }: PartialConfig): ConfigIssue[] {
  const url = hydration?.nodeRuntimeUrl;
  if (url === undefined || tenant?.region === undefined || network === undefined) return [];
  if (!runtimeUrlNeedsInternet(url, tenant.region) || network.natGateway) return [];
  return [{
    key: "tundra:hydration.nodeRuntimeUrl",
    message:
      `${new URL(url).host} is outside ${tenant.region}'s Object Storage, so the nodes reach it only through the internet: ` +
      `set tundra:network.natGateway: true, or keep the tarball in the tenant bucket (a pre-authenticated request URL), or drop nodeRuntimeUrl for the OS repositories`,
  }];
}
