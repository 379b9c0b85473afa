// Where each node goes. Nodes are spread over the availability domains round-robin; within an
// AD, successive nodes take FAULT-DOMAIN-1, -2, -3 in turn, so a 1-AD region still spreads
// the cluster over three fault domains. (The seed put every node in availability_domains[0].)

export const FAULT_DOMAINS = ["FAULT-DOMAIN-1", "FAULT-DOMAIN-2", "FAULT-DOMAIN-3"] as const;

export interface NodePlacement {
  index: number;
  availabilityDomain: string;
  faultDomain: (typeof FAULT_DOMAINS)[number];
}

export function placeNodes(nodeCount: number, availabilityDomains: readonly string[]): NodePlacement[] {
  if (availabilityDomains.length === 0) throw new Error("placeNodes: no availability domains to place nodes in");
  return Array.from({ length: nodeCount }, (_, index) => {
    const ad = index % availabilityDomains.length;
    const nthInAd = Math.floor(index / availabilityDomains.length);
    return { index, availabilityDomain: availabilityDomains[ad], faultDomain: FAULT_DOMAINS[nthInAd % FAULT_DOMAINS.length] };
  });
}
