/** Bytes in binary units for people ("1.5 GiB"). */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  // Rates are fractional: whole bytes below 1 KiB ("412 B", not "412.3456 B").
  return `${unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** A rate in MB/s for people, to one decimal ("0.4 MB/s", not "0.41234"; "206.5 MB/s"). */
export function formatMBps(mbps: number): string {
  return `${Number(mbps.toFixed(1))} MB/s`;
}
