// `tundra:hydration` (optional; defaults shown): how the query nodes load the synced data. The
// data prefix is DataSync's destination prefix; credentials never go here (see docs/hydration.md).
import { z } from "zod";
import { integer, text } from "./fields";

export const hydrationSchema = z
  .strictObject({
    /** How long `pulumi up` waits for every node to load the generation (default 480 s). */
    timeoutSeconds: integer(10, 86_400).optional(),
    /** Parallel downloads per node (default 16). */
    concurrency: integer(1, 256).optional(),
    /** Where generations live on a node's data volume (default /mnt/tundra). */
    dataRoot: text(/^\/[A-Za-z0-9._/-]*$/, "an absolute path such as /mnt/tundra").optional(),
    /** How often the node agents look for a new generation (default 10 s). */
    pollSeconds: integer(1, 3600).optional(),
    /** npm registry or mirror the nodes install the agent's packages from (default the public registry). */
    npmRegistry: text(/^https:\/\/\S+$/, "an https URL").optional(),
  })
  .optional();

export type HydrationSection = z.output<typeof hydrationSchema>;
