// `tundra:identity` (optional): how instances are recognised for instance-principal access.
import { z } from "zod";
import { text } from "./fields";

const tagName = text(/^[A-Za-z0-9_.-]{1,100}$/, "a defined-tag name of letters, digits, '.', '_' or '-'");

export const identitySchema = z
  .strictObject({
    /**
     * Defined-tag namespace and key that mark a node as the tenant's (`tag.<ns>.<key>.value`).
     * Both must already exist in the tenancy: tag namespaces are tenancy-wide, so no tenant
     * stack owns them.
     */
    tagNamespace: tagName.default("tundra"),
    tagKey: tagName.default("tenant"),
    /** IAM group of the operators allowed to run commands on the nodes (Run Command). */
    operatorGroup: text(/^[A-Za-z0-9_.-]{1,100}$/, "an IAM group name").optional(),
  })
  .default({ tagNamespace: "tundra", tagKey: "tenant" });

export type IdentitySection = z.output<typeof identitySchema>;
