// The contract every dynamic resource's `operations.ts` fulfils. The provider (provider.ts, built
// by one factory) forwards each engine call here, in the dynamic-provider host, with the settings
// `configure` read from the stack config and the environment (never from inputs or state).
import type * as pulumi from "@pulumi/pulumi";
import type { StateVersions } from "./state-version";

// Inputs and state as the host hands them over: plain JSON objects.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Props = Record<string, any>;

/** Reads one stack config key (`tundra:oci`, or `route53Endpoint` for the project's namespace). */
export type ConfigReader = (key: string) => string | undefined;

export interface Operations<Settings> {
  /** The resource's name in messages (e.g. "Cutover"). */
  readonly resourceName: string;
  /** The state version this code writes, and how older states are brought up to it. */
  readonly stateVersions: StateVersions;
  settingsFrom(config: ConfigReader, env: NodeJS.ProcessEnv): Settings;
  /** `olds` are the previous checked inputs (empty on create). */
  check(olds: Props, news: Props, settings: Settings): Promise<pulumi.dynamic.CheckResult>;
  /** `olds` is the stored state, already upgraded to the current version. */
  diff(id: string, olds: Props, news: Props, settings: Settings): Promise<pulumi.dynamic.DiffResult>;
  create(inputs: Props, settings: Settings): Promise<pulumi.dynamic.CreateResult>;
  read(id: string, props: Props, settings: Settings): Promise<pulumi.dynamic.ReadResult>;
  update(id: string, olds: Props, news: Props, settings: Settings): Promise<pulumi.dynamic.UpdateResult>;
  remove(id: string, props: Props, settings: Settings): Promise<void>;
}
