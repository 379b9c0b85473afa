// The Cutover dynamic provider: thin methods that load the cutover engine in the provider host
// (loadProjectModule) and hold nothing heavy, so the closure serializes cleanly.
import type * as pulumi from "@pulumi/pulumi";
import { loadProjectModule } from "../provider-runtime";
import type * as operations from "./operations";

type Ops = typeof operations;
type CutoverProvider = pulumi.dynamic.ResourceProvider & { settings?: operations.ProviderSettings };

export const cutoverProvider: CutoverProvider = {
  async configure(req) {
    // Provider config (e.g. `tundra-replatform:route53Endpoint`) stays out of resource inputs and state.
    let route53Endpoint: string | undefined;
    try {
      route53Endpoint = req.config.get("route53Endpoint");
    } catch {
      route53Endpoint = undefined;
    }
    this.settings = route53Endpoint ? { route53Endpoint } : {};
  },
  async check(olds, news) {
    return loadProjectModule<Ops>("components/cutover/operations").checkCutover(olds, news, this.settings ?? {});
  },
  async diff(_id, olds, news) {
    return loadProjectModule<Ops>("components/cutover/operations").diffCutover(olds, news, this.settings ?? {});
  },
  async create(inputs) {
    return loadProjectModule<Ops>("components/cutover/operations").createCutover(inputs, this.settings ?? {});
  },
  async read(id, props) {
    return loadProjectModule<Ops>("components/cutover/operations").readCutover(id, props ?? {}, this.settings ?? {});
  },
  async update(_id, olds, news) {
    return loadProjectModule<Ops>("components/cutover/operations").updateCutover(olds, news, this.settings ?? {});
  },
  async delete(_id, props) {
    await loadProjectModule<Ops>("components/cutover/operations").deleteCutover(props, this.settings ?? {});
  },
};
