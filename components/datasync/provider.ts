// The DataSync dynamic provider: a thin shell over logic.ts. The Pulumi engine serializes this
// object into the state and runs it in the dynamic-provider host, a separate Node process, where
// relative requires do not resolve. So the shell loads logic.ts there by its project-relative
// path (components/provider-runtime.ts) and forwards each call. Credentials: environment or stack config, never inputs or state.
import type * as pulumi from "@pulumi/pulumi";
import type * as Logic from "./logic";
import { loadProjectModule } from "../provider-runtime";

function loadLogic(): typeof Logic {
  return loadProjectModule<typeof Logic>("components/datasync/logic");
}

function settings(logic: typeof Logic): Logic.DataSyncSettings {
  const configured = (globalThis as { __tundraDataSyncSettings?: Logic.DataSyncSettings }).__tundraDataSyncSettings;
  return configured ?? logic.dataSyncSettingsFrom(() => undefined, process.env);
}

export const dataSyncProvider: pulumi.dynamic.ResourceProvider = {
  async configure(req) {
    const logic = loadLogic();
    (globalThis as { __tundraDataSyncSettings?: Logic.DataSyncSettings }).__tundraDataSyncSettings = logic.dataSyncSettingsFrom((key) => req.config.get(key), process.env);
  },

  async check(olds, news) {
    const logic = loadLogic();
    const { inputs, failures } = logic.validate(news);
    if (failures.length > 0) return { inputs: news, failures };
    inputs.pendingWork = logic.needsPendingWork(olds, inputs)
      ? await logic.pendingWork(inputs, settings(logic))
      : typeof olds.pendingWork === "string" ? olds.pendingWork : "";
    return { inputs, failures: [] };
  },

  async diff(_id, olds, news) {
    const result = loadLogic().diff(olds, news);
    return { changes: result.changes, replaces: result.replaces, deleteBeforeReplace: false };
  },

  async create(inputs) {
    const logic = loadLogic();
    return logic.run(inputs, settings(logic));
  },

  async update(_id, olds, news) {
    const logic = loadLogic();
    const { outs } = await logic.run(news, settings(logic), olds);
    return { outs };
  },

  async read(id, props) {
    const logic = loadLogic();
    return { id, props: await logic.read(props as Logic.DataSyncOutputs, settings(logic)) };
  },

  async delete(_id, props) {
    const logic = loadLogic();
    process.stderr.write(`datasync: ${await logic.remove(props as Logic.DataSyncOutputs, settings(logic))}\n`);
  },
};
