// The agent's config file (/etc/tundra/hydration-agent.json, written by the cloud-init user data).
// Every problem is reported at once, named by field, with what to write instead.
import * as fsp from "fs/promises";
import { z } from "zod";
import { JsonSyntaxError, parseJson } from "../../common/json";
import { DEFAULT_CONTROL_PREFIX, nodeNameSchema, prefixOverlap } from "../control";

export const AGENT_CONFIG_SCHEMA_VERSION = 1;
export const DEFAULT_AGENT_CONFIG_PATH = "/etc/tundra/hydration-agent.json";

const prefixSchema = z
  .string()
  .refine((p) => !p.startsWith("/") && (p === "" || p.endsWith("/")), { message: 'must be relative and end with "/" (for example "warehouse/")' });

/**
 * How the agent signs its requests. On a node only the instance principal is used (no keys on
 * disk); an OCI CLI config file serves for running the agent off-OCI (development, tests).
 */
const authSchema = z.union([
  z.literal("instance_principal"),
  z.object({ configFile: z.string().min(1), profile: z.string().min(1).default("DEFAULT") }).strict(),
]);

export const agentConfigSchema = z
  .object({
    schemaVersion: z.literal(AGENT_CONFIG_SCHEMA_VERSION),
    /**
     * This node's name in receipts. `{"fromInstanceMetadata": "displayName"}` reads the instance's
     * display name at start, so one user data serves every node of a cluster.
     */
    node: z.union([nodeNameSchema, z.object({ fromInstanceMetadata: z.literal("displayName") }).strict()], {
      error: 'must be a node name (letters, digits, ".", "_", "-"; at most 63) or {"fromInstanceMetadata": "displayName"}',
    }),
    region: z.string().regex(/^[a-z]+-[a-z]+-\d+$/, { message: 'must be an OCI region identifier such as "us-ashburn-1"' }),
    namespace: z.string().min(1, { message: "must be the Object Storage namespace of the tenancy" }),
    bucket: z.string().regex(/^[A-Za-z0-9._-]{1,256}$/, { message: "must be an Object Storage bucket name (letters, digits, '.', '_', '-')" }),
    prefix: prefixSchema,
    controlPrefix: prefixSchema.default(DEFAULT_CONTROL_PREFIX),
    dataRoot: z.string().startsWith("/", { message: "must be an absolute path on the data volume" }),
    /** Refuse to load unless dataRoot is a mount point (the data volume), never the boot disk. */
    requireMountPoint: z.boolean().default(false),
    auth: authSchema.default("instance_principal"),
    /** Object Storage endpoint override (a private endpoint); default: the region's public endpoint. */
    endpoint: z.url({ message: 'must be a URL such as "https://objectstorage.us-ashburn-1.oraclecloud.com"' }).optional(),
    pollSeconds: z.number().int().min(1).max(3600).default(10),
    /** Receipt refresh while loading, so the resource can tell a stalled node from a slow one. */
    progressSeconds: z.number().int().min(1).max(600).default(10),
  })
  .strict()
  .refine((c) => !prefixOverlap(c.prefix, c.controlPrefix), {
    message: 'overlaps prefix: the data prefix must be non-empty and must not contain the control objects (default controlPrefix "_tundra/hydration/")',
    path: ["controlPrefix"],
  });

export type AgentConfig = z.infer<typeof agentConfigSchema>;
/** What a config file may leave out (the defaults above fill it in). */
export type AgentConfigInput = z.input<typeof agentConfigSchema>;

export class AgentConfigError extends Error {
  constructor(readonly source: string, readonly problems: string[]) {
    super(`${source}: invalid hydration agent config:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "AgentConfigError";
  }
}

export function parseAgentConfig(text: string, source = "agent config"): AgentConfig {
  let raw: unknown;
  try {
    raw = parseJson(text, source);
  } catch (err) {
    if (err instanceof JsonSyntaxError) throw new AgentConfigError(source, [`not valid JSON: ${err.reason}`]);
    throw err;
  }
  const result = agentConfigSchema.safeParse(raw);
  if (!result.success) {
    throw new AgentConfigError(source, result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`));
  }
  return result.data;
}

export async function loadAgentConfig(file: string = DEFAULT_AGENT_CONFIG_PATH): Promise<AgentConfig> {
  let text: string;
  try {
    text = await fsp.readFile(file, "utf8");
  } catch (err) {
    throw new AgentConfigError(file, [`cannot be read: ${(err as Error).message}`]);
  }
  return parseAgentConfig(text, file);
}
