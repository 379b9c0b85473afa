// Where the Cutover and the DecommissionGuard send their Route53 calls: the validated
// `tundra:endpoints.route53` first, then the provider key, then the environment.
import { describe, expect, it } from "vitest";
import { route53EndpointFrom } from "../../components/cutover/records";
import { settingsFrom as cutoverSettings } from "../../components/cutover/operations";

const reader = (config: Record<string, string>) => (key: string) => config[key];

describe("the Route53 endpoint of the providers", () => {
  it("prefers tundra:endpoints.route53, then tundra-replatform:route53Endpoint, then TUNDRA_ROUTE53_ENDPOINT", () => {
    const all = { "tundra:endpoints": JSON.stringify({ route53: "http://127.0.0.1:1" }), "tundra-replatform:route53Endpoint": "http://127.0.0.1:2" };
    const env = { TUNDRA_ROUTE53_ENDPOINT: "http://127.0.0.1:3" };
    expect(route53EndpointFrom(reader(all), env)).toBe("http://127.0.0.1:1");
    expect(route53EndpointFrom(reader({ "tundra:endpoints": JSON.stringify({ s3: "http://x" }), "tundra-replatform:route53Endpoint": "http://127.0.0.1:2" }), env)).toBe("http://127.0.0.1:2");
    expect(route53EndpointFrom(reader({}), env)).toBe("http://127.0.0.1:3");
    expect(route53EndpointFrom(reader({}), {})).toBeUndefined();
  });

  it("reaches the Cutover's provider settings (the DecommissionGuard's settingsFrom calls the same function)", () => {
    const config = reader({ "tundra:endpoints": JSON.stringify({ route53: "http://127.0.0.1:1" }) });
    expect(cutoverSettings(config, {}).route53Endpoint).toBe("http://127.0.0.1:1");
  });
});
