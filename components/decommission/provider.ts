// The DecommissionGuard dynamic provider: thin methods that load the guard's operations in the
// provider host (loadProjectModule) and hold nothing heavy, so the closure serializes cleanly.
// Credentials come from the host's environment (AWS chain for Route53 and S3, the OCI settings
// of the DataSync provider for Object Storage); endpoints for tests from provider config or env.
import type * as pulumi from "@pulumi/pulumi";
import { loadProjectModule } from "../provider-runtime";
import type * as operations from "./operations";

type Ops = typeof operations;
type GuardProvider = pulumi.dynamic.ResourceProvider & { settings?: operations.GuardSettings };

function ops(): Ops {
  return loadProjectModule<Ops>("components/decommission/operations");
}

export const decommissionGuardProvider: GuardProvider = {
  async configure(req) {
    this.settings = ops().settingsFrom((key) => req.config.get(key), process.env);
  },
  async check(olds, news) {
    return ops().checkGuard(olds, news, this.settings ?? ops().settingsFrom(() => undefined, process.env));
  },
  async diff(_id, olds, news) {
    return ops().diffGuard(olds, news);
  },
  async create(inputs) {
    return ops().createGuard(inputs, this.settings ?? ops().settingsFrom(() => undefined, process.env));
  },
  async read(id, props) {
    return ops().readGuard(id, props ?? {}, this.settings ?? ops().settingsFrom(() => undefined, process.env));
  },
  async update(_id, olds, news) {
    return ops().updateGuard(olds, news, this.settings ?? ops().settingsFrom(() => undefined, process.env));
  },
  async delete(_id, props) {
    // Refuses (throws, listing every blocker) unless it is safe; the engine then deletes nothing that depends on it.
    const message = await ops().deleteGuard(props, this.settings ?? ops().settingsFrom(() => undefined, process.env));
    process.stderr.write(`${message}\n`);
  },
};
