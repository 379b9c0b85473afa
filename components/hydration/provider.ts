// The Hydration dynamic provider. Its methods are serialized into the state and run in the
// engine's dynamic-provider host; they load the implementation (provider-impl.ts) through the
// project's provider runtime at call time and capture nothing else.
import type * as pulumi from "@pulumi/pulumi";
import { loadProjectModule } from "../provider-runtime";

type Impl = typeof import("./provider-impl");

const impl = () => loadProjectModule<Impl>("components/hydration/provider-impl");

export const hydrationProvider: pulumi.dynamic.ResourceProvider = {
  async check(olds, news) {
    return impl().checkInputs(olds, news);
  },
  async diff(_id, olds, news) {
    const { changes, replaces } = impl().diffInputs(olds, news);
    return { changes, replaces, deleteBeforeReplace: false };
  },
  async create(inputs) {
    return impl().hydrate(inputs);
  },
  async update(_id, _olds, news) {
    const { outs } = await impl().hydrate(news);
    return { outs };
  },
  async read(id, props) {
    return impl().readState(id, props ?? {});
  },
  async delete(_id, props) {
    await impl().removeControl(props);
  },
};
