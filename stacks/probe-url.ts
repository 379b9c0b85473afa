// The default URL the validation and the cutover probe: the OCI load balancer's listener, as the
// tenant's clients reach it.
export function probeUrlOf(address: string, listenerPort: number, path: string): string {
  const scheme = listenerPort === 80 || listenerPort === 8080 ? "http" : "https";
  const host = address.includes(":") ? `[${address}]` : address;
  return `${scheme}://${host}:${listenerPort}${path.startsWith("/") ? path : `/${path}`}`;
}
