// Outputs of a dynamic resource travel as plain JSON through the host (FACTS.md: `undefined`
// anywhere makes Create fail with "Unexpected struct type").

/** A deep copy with every `undefined` dropped: what the host can encode. */
export function plainJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * The resource class declares its outputs by passing them as `undefined` inputs, so that
 * `pulumi.dynamic.Resource` registers them as outputs (then readable as `this.<name>`).
 */
export function outputSlots<K extends string>(names: readonly K[]): Record<K, undefined> {
  return Object.fromEntries(names.map((name) => [name, undefined])) as Record<K, undefined>;
}
