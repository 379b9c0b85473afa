// Runs in the dynamic-provider host: loads a resource's operations module by its project-relative
// path and calls it, upgrading stored state to the current schema version first. The serialized
// provider (provider.ts) holds only the module path; everything else is loaded here at run time.
import { loadProjectModule } from "../provider-runtime";
import type { ConfigReader, Operations, Props } from "./operations";
import { upgradeState, versionOf } from "./state-version";

type AnyOperations = Operations<unknown>;

function load(modulePath: string): AnyOperations {
  return loadProjectModule<AnyOperations>(modulePath);
}

function settingsOr(ops: AnyOperations, settings: unknown): unknown {
  return settings ?? ops.settingsFrom(() => undefined, process.env);
}

function stored(ops: AnyOperations, state: Props | undefined): Props {
  return upgradeState(ops.resourceName, state ?? {}, ops.stateVersions);
}

export function settingsFrom(modulePath: string, config: ConfigReader): unknown {
  return load(modulePath).settingsFrom(config, process.env);
}

export function check(modulePath: string, settings: unknown, olds: Props, news: Props) {
  const ops = load(modulePath);
  return ops.check(olds ?? {}, news, settingsOr(ops, settings));
}

export async function diff(modulePath: string, settings: unknown, id: string, olds: Props, news: Props) {
  const ops = load(modulePath);
  const result = await ops.diff(id, stored(ops, olds), news, settingsOr(ops, settings));
  // State in an older shape is rewritten by an update, so the stored shape always moves forward.
  if (versionOf(olds ?? {}) !== ops.stateVersions.current && !result.changes) return { ...result, changes: true };
  return result;
}

export function create(modulePath: string, settings: unknown, inputs: Props) {
  const ops = load(modulePath);
  return ops.create(inputs, settingsOr(ops, settings));
}

export function read(modulePath: string, settings: unknown, id: string, props: Props) {
  const ops = load(modulePath);
  return ops.read(id, stored(ops, props), settingsOr(ops, settings));
}

export function update(modulePath: string, settings: unknown, id: string, olds: Props, news: Props) {
  const ops = load(modulePath);
  return ops.update(id, stored(ops, olds), news, settingsOr(ops, settings));
}

export function remove(modulePath: string, settings: unknown, id: string, props: Props) {
  const ops = load(modulePath);
  return ops.remove(id, stored(ops, props), settingsOr(ops, settings));
}
