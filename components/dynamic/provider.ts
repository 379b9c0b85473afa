// The one way this project builds a dynamic provider. Pulumi serializes the provider object into
// the state and runs it later in the engine's dynamic-provider host, a plain Node process that may
// sit in another checkout (FACTS.md). So the object holds only the project-relative path of the
// resource's operations module and the settings `configure` read; each method loads the
// dispatcher (dispatch.ts) at call time, which loads the operations module and the engines.
// No SDK, engine code, schema or absolute path is captured (tested for every provider).
import type * as pulumi from "@pulumi/pulumi";
import { loadProjectModule } from "../provider-runtime";
import type * as Dispatch from "./dispatch";
import type { Operations } from "./operations";

/**
 * The project-relative path of an operations module whose exports are `T`: compiles only when `T`
 * fulfils the Operations contract (`"components/x/operations" satisfies OperationsModule<typeof ops>`).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any, @typescript-eslint/no-unused-vars
export type OperationsModule<T extends Operations<any>> = string;

export interface TundraDynamicProvider extends pulumi.dynamic.ResourceProvider {
  /** What `configure` read from the stack config and the environment. */
  settings?: unknown;
}

/** A provider whose every call goes to `operationsModule` (e.g. "components/cutover/operations"). */
export function dynamicProvider(operationsModule: string): TundraDynamicProvider {
  const dispatch = () => loadProjectModule<typeof Dispatch>("components/dynamic/dispatch");
  return {
    async configure(req) {
      this.settings = dispatch().settingsFrom(operationsModule, (key) => {
        try {
          return req.config.get(key);
        } catch {
          return undefined;
        }
      });
    },
    async check(olds, news) {
      return dispatch().check(operationsModule, this.settings, olds, news);
    },
    async diff(id, olds, news) {
      return dispatch().diff(operationsModule, this.settings, id, olds, news);
    },
    async create(inputs) {
      return dispatch().create(operationsModule, this.settings, inputs);
    },
    async read(id, props) {
      return dispatch().read(operationsModule, this.settings, id, props ?? {});
    },
    async update(id, olds, news) {
      return dispatch().update(operationsModule, this.settings, id, olds, news);
    },
    async delete(id, props) {
      await dispatch().remove(operationsModule, this.settings, id, props);
    },
  };
}
