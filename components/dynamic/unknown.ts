// What the engine sends, during preview, for an input that is not known until apply
// (pulumi/sdk/nodejs/runtime/rpc.ts `unknownValue`). Every dynamic provider reads it here.
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when `value` is unknown or holds an unknown anywhere inside it. */
export function isUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(isUnknown);
  if (value && typeof value === "object") return Object.values(value).some(isUnknown);
  return false;
}

/** The paths (`a.b[0]`) of every unknown value inside `value`, for messages. */
export function unknownPaths(value: unknown, path = ""): string[] {
  if (value === UNKNOWN) return [path || "(inputs)"];
  if (Array.isArray(value)) return value.flatMap((v, i) => unknownPaths(v, `${path}[${i}]`));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => unknownPaths(v, path ? `${path}.${k}` : k));
  }
  return [];
}
