// What the engine would be told about each resource: the RegisterResource (and ReadResource)
// requests the program sends, as the mock monitor receives them. `pulumi.runtime.setMocks` hands
// the mocks only type, name and inputs; the dependency edges (explicit `dependsOn`, with
// components expanded to their custom children, plus each input's property dependencies) live in
// the request, so the monitor installed by setMocks is wrapped to record them per URN.
import * as pulumi from "@pulumi/pulumi";
import type { ReadResourceRequest, ReadResourceResponse, RegisterResourceRequest, RegisterResourceResponse } from "@pulumi/pulumi/proto/resource_pb";

export interface Registration {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  /** URN of the parent; "" for none. */
  parent: string;
  /** Every direct dependency URN the engine receives (explicit dependsOn and property dependencies). */
  dependencies: string[];
  /** Per input property: the URNs its value came from. */
  propertyDependencies: Record<string, string[]>;
  /** The lifecycle options the engine acts on (only those set to true). */
  options: ResourceLifecycleOptions;
  /** The types of the alias specs sent (earlier type tokens the engine maps to this resource). */
  aliasTypes: string[];
}

/** What `pulumi destroy` and a replacing `up` do with the resource (the request's protect, retainOnDelete, deleteBeforeReplace). */
export interface ResourceLifecycleOptions {
  protect?: true;
  retainOnDelete?: true;
  deleteBeforeReplace?: true;
}

function lifecycleOptions(req: RegisterResourceRequest): ResourceLifecycleOptions {
  return {
    ...(req.getProtect() ? { protect: true } : {}),
    ...(req.getRetainondelete() ? { retainOnDelete: true } : {}),
    ...(req.getDeletebeforereplace() ? { deleteBeforeReplace: true } : {}),
  };
}

type Callback<T> = (err: Error | null, response?: T) => void;

interface MockMonitorMethods {
  registerResource(req: RegisterResourceRequest, callback: Callback<RegisterResourceResponse>): Promise<void>;
  readResource(req: ReadResourceRequest, callback: Callback<ReadResourceResponse>): Promise<void>;
}

/**
 * Wraps the monitor that `pulumi.runtime.setMocks` installed (call it right after setMocks) and
 * returns the map it fills: URN -> registration, in registration order.
 */
export function recordRegistrations(): Map<string, Registration> {
  const monitor = pulumi.runtime.getMonitor() as unknown as Partial<MockMonitorMethods> | undefined;
  if (!monitor?.registerResource || !monitor.readResource) throw new Error("recordRegistrations: call pulumi.runtime.setMocks first (no mock monitor installed)");
  const registrations = new Map<string, Registration>();
  const register = monitor.registerResource.bind(monitor);
  const read = monitor.readResource.bind(monitor);
  const record = (req: RegisterResourceRequest | ReadResourceRequest, urn: string, custom: boolean, propertyDependencies: Record<string, string[]>, options: ResourceLifecycleOptions) => {
    const aliasTypes = "getAliasesList" in req ? req.getAliasesList().flatMap((a) => (a.getSpec()?.getType() ? [a.getSpec()!.getType()] : [])) : [];
    registrations.set(urn, { urn, type: req.getType(), name: req.getName(), custom, parent: req.getParent(), dependencies: req.getDependenciesList(), propertyDependencies, options, aliasTypes });
  };
  monitor.registerResource = (req, callback) =>
    register(req, (err, response) => {
      if (!err && response) {
        const byProperty: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((deps, key) => (byProperty[key] = deps.getUrnsList()));
        record(req, response.getUrn(), req.getCustom(), byProperty, lifecycleOptions(req));
      }
      callback(err, response);
    });
  // Stack references and `get` functions read instead of registering: custom, no property dependencies.
  monitor.readResource = (req, callback) =>
    read(req, (err, response) => {
      if (!err && response) record(req, response.getUrn(), true, {}, {});
      callback(err, response);
    });
  return registrations;
}

/** The registration named `name` (of `type`, when given); throws when there is not exactly one. */
export function registrationOf(registrations: Iterable<Registration>, name: string, type?: string): Registration {
  const found = [...registrations].filter((r) => r.name === name && (type === undefined || r.type === type));
  if (found.length !== 1) throw new Error(`expected one registered resource named ${name}${type ? ` of type ${type}` : ""}, found ${found.length}`);
  return found[0];
}

/**
 * Every URN `urn` waits for before the engine creates it: its dependencies, its parent (the SDK
 * registers a child only once its parent's registration returned, and a component registers only
 * once its own dependencies were created), and theirs, transitively.
 */
export function waitsFor(registrations: Map<string, Registration>, urn: string): Set<string> {
  const seen = new Set<string>();
  const pending = [urn];
  while (pending.length > 0) {
    const r = registrations.get(pending.pop()!);
    if (!r) continue;
    for (const next of [...r.dependencies, ...(r.parent ? [r.parent] : [])]) {
      if (!seen.has(next)) {
        seen.add(next);
        pending.push(next);
      }
    }
  }
  return seen;
}
