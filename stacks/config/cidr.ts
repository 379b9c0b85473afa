// IPv4 CIDR arithmetic for config validation (no network library needed for /n math).

export interface Cidr {
  readonly text: string;
  readonly base: number; // network address as an unsigned 32-bit integer
  readonly prefix: number;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; returns an error message when it is not a canonical IPv4 CIDR. */
export function parseCidr(text: string): Cidr | { error: string } {
  const m = CIDR_PATTERN.exec(text);
  if (!m) return { error: `must be an IPv4 CIDR such as 10.0.0.0/16 (got "${text}")` };
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return { error: `is not a valid IPv4 CIDR (got "${text}")` };
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  const base = Math.floor(address / size) * size;
  if (base !== address) {
    return { error: `has host bits set: "${text}" is inside ${formatAddress(base)}/${prefix}; use that network address` };
  }
  return { text, base, prefix };
}

export function isCidrError(c: Cidr | { error: string }): c is { error: string } {
  return "error" in c;
}

export function formatAddress(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
}

function lastAddress(c: Cidr): number {
  return c.base + 2 ** (32 - c.prefix) - 1;
}

export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return inner.base >= outer.base && lastAddress(inner) <= lastAddress(outer);
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.base <= lastAddress(b) && b.base <= lastAddress(a);
}

/** The `index`-th subnet of size /prefix inside `outer`, or undefined when it does not fit. */
export function nthSubnet(outer: Cidr, prefix: number, index: number): string | undefined {
  if (prefix < outer.prefix || prefix > 32) return undefined;
  const base = outer.base + index * 2 ** (32 - prefix);
  const candidate = { text: "", base, prefix };
  return cidrContains(outer, candidate) ? `${formatAddress(base)}/${prefix}` : undefined;
}
