// What a relocated instance takes over from its source, so that it is still the same node: the
// custom image carries the boot volume only, and LaunchInstance knows nothing of the original.
// - defined tags: a dynamic group matches instances by them (`tag.<ns>.<key>.value = '...'`,
//   Oracle "Managing Dynamic Groups"), so without them the instance principal loses its grants;
// - freeform tags, under the relocation's own (the spec's and the run tags win);
// - the Oracle Cloud Agent settings (plugins such as Run Command or Block Volume Management);
// - instance options (`areLegacyImdsEndpointsDisabled`: IMDS v1 stays off);
// - metadata and extended metadata: `user_data` (cloud-init) and `ssh_authorized_keys`.
// Pure: the engine reads the source with GetInstance at launch time and passes it here.
import type * as core from "oci-core";

/**
 * Oracle's automatic tag defaults fill this namespace (CreatedBy, CreatedOn) on every new resource
 * (Oracle, "Understanding Automatic Tag Defaults"), and a value given at creation overrides a tag
 * default: copying the source's values would make the new instance claim the original's creator
 * and date.
 */
const TAG_DEFAULTS_NAMESPACE = "Oracle-Tags";

export type CarriedSettings = Pick<
  core.models.LaunchInstanceDetails,
  "definedTags" | "freeformTags" | "agentConfig" | "instanceOptions" | "metadata" | "extendedMetadata"
>;

export function carriedSettings(source: core.models.Instance, relocationTags: Record<string, string>): CarriedSettings {
  const definedTags = Object.fromEntries(Object.entries(source.definedTags ?? {}).filter(([namespace]) => namespace !== TAG_DEFAULTS_NAMESPACE));
  const agent = source.agentConfig;
  return {
    freeformTags: { ...source.freeformTags, ...relocationTags },
    ...(Object.keys(definedTags).length > 0 ? { definedTags } : {}),
    ...(agent
      ? {
          agentConfig: {
            ...(agent.isMonitoringDisabled !== undefined ? { isMonitoringDisabled: agent.isMonitoringDisabled } : {}),
            ...(agent.isManagementDisabled !== undefined ? { isManagementDisabled: agent.isManagementDisabled } : {}),
            ...(agent.areAllPluginsDisabled !== undefined ? { areAllPluginsDisabled: agent.areAllPluginsDisabled } : {}),
            ...(agent.pluginsConfig ? { pluginsConfig: agent.pluginsConfig.map(({ name, desiredState }) => ({ name, desiredState })) } : {}),
          },
        }
      : {}),
    ...(source.instanceOptions ? { instanceOptions: { areLegacyImdsEndpointsDisabled: source.instanceOptions.areLegacyImdsEndpointsDisabled } } : {}),
    ...(source.metadata && Object.keys(source.metadata).length > 0 ? { metadata: source.metadata } : {}),
    ...(source.extendedMetadata && Object.keys(source.extendedMetadata).length > 0 ? { extendedMetadata: source.extendedMetadata } : {}),
  };
}
