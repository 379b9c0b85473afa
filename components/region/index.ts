// OCI region moves and disaster recovery (see docs/region.md).
export { InstanceRelocation, type InstanceRelocationArgs } from "./instance-relocation";
export { TenantReplication, type TenantReplicationArgs, replicationStatement, volumeWithoutReplicaArgs } from "./tenant-replication";
