// `tundra:relocations` (optional): compute instances to move to another OCI region, one
// InstanceRelocation each (see docs/region.md). Each entry is the resource's inputs: the
// component's schema (components/region/spec.ts), not a copy.
import { z } from "zod";
import { inputsSchema as relocationInputsSchema } from "../../components/region/spec";
import type { ConfigIssue, PartialConfig } from "./index";

export const relocationsSchema = z.array(relocationInputsSchema).optional();

/** Entry names name the resources and the intermediate images: they must be unique. */
export function uniqueRelocationNames({ relocations }: PartialConfig): ConfigIssue[] {
  const names = (relocations ?? []).map((r) => r?.name);
  return names.flatMap((name, i) =>
    name !== undefined && names.indexOf(name) !== i ? [{ key: `tundra:relocations[${i}].name`, message: `"${name}" is used by relocations[${names.indexOf(name)}] too` }] : [],
  );
}
