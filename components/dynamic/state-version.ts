// A dynamic provider's code changes without forcing replacement (FACTS.md), so each version must
// read the state earlier versions wrote. Every resource writes `schemaVersion` in its outputs;
// before anything reads stored state, it is migrated step by step to the current version, and a
// version this code does not know (a newer checkout wrote it) is refused instead of misread.

type State = Record<string, unknown>;

export interface StateVersions {
  /** The version this code writes. */
  current: number;
  /** `migrations[n]` turns a version-n state into version n+1 (n = 0: state written before versions). */
  migrations: Record<number, (state: State) => State>;
}

export class UnknownStateVersionError extends Error {
  constructor(resource: string, found: unknown, current: number) {
    super(
      `${resource}: the stored state has schemaVersion ${JSON.stringify(found)}, which this checkout does not know ` +
        `(it reads versions up to ${current}). A newer tundra-replatform wrote it: run pulumi from that version, ` +
        `or from a checkout at least as new as the one that last ran this stack.`,
    );
    this.name = "UnknownStateVersionError";
  }
}

/** The stored version: 0 for state written before versions were recorded. */
export function versionOf(state: State): unknown {
  return state.schemaVersion === undefined ? 0 : state.schemaVersion;
}

/** `state` migrated to `versions.current`; an empty state (nothing stored yet) is returned as is. */
export function upgradeState(resource: string, state: State, versions: StateVersions): State {
  if (Object.keys(state).length === 0) return state;
  let version = versionOf(state);
  let upgraded = state;
  while (version !== versions.current) {
    const step = typeof version === "number" && Number.isInteger(version) && version < versions.current ? versions.migrations[version] : undefined;
    if (!step) throw new UnknownStateVersionError(resource, state.schemaVersion, versions.current);
    upgraded = { ...step(upgraded), schemaVersion: (version as number) + 1 };
    version = (version as number) + 1;
  }
  return upgraded;
}
