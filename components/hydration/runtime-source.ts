// Where a node gets its Node.js runtime when not from the OS repositories, and whether that needs
// the internet. Kept apart from the renderer so that the config rules can use it cheaply.
export interface NodeRuntimeTarball {
  url: string;
  /** Hex SHA-256 of the tarball. */
  sha256: string;
}

/**
 * Whether a node can fetch this URL only through the internet (a NAT gateway): everything but the
 * region's Object Storage, which the service gateway reaches ("Access to Oracle Services: Service
 * Gateway": only Oracle services in the VCN's own region; Object Storage answers at
 * objectstorage.<region>.oraclecloud.com and <namespace>.objectstorage.<region>.oci.customer-oci.com).
 * A runtime kept in the tenant bucket is reached with a pre-authenticated request URL.
 */
export function runtimeUrlNeedsInternet(url: string, region: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return true;
  }
  return !(host === `objectstorage.${region}.oraclecloud.com` || host.endsWith(`.objectstorage.${region}.oci.customer-oci.com`));
}
