// components/oci-auth.ts: the one precedence every OCI caller outside Pulumi's OCI provider uses
// (explicit stack config or flags, then the OCI CLI's variables, then api_key/DEFAULT), checked
// with a real config file and the SDK's own providers: the key id a provider signs with shows
// which profile was used.
import * as fs from "fs";
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";
import { authenticationProvider, ociAuthFromFlags, ociAuthFromStack } from "../../components/oci-auth";
import type { OciAuth } from "../../components/transfer/oci-store";
import { makeOciTestAuth } from "../support/oci-signature";
import { useTempDir } from "../support/temp-dir";

const stack = (section: Record<string, unknown> | string | undefined) => (key: string) =>
  key === "tundra:oci" && section !== undefined ? (typeof section === "string" ? section : JSON.stringify(section)) : undefined;

describe("ociAuthFromStack: tundra:oci, then OCI_CLI_*, then api_key with DEFAULT", () => {
  it("defaults to the OCI CLI's default: an API key from profile DEFAULT of ~/.oci/config", () => {
    expect(ociAuthFromStack(stack(undefined), {})).toEqual({ kind: "config-file", file: undefined, profile: "DEFAULT" });
  });

  it("takes method, profile and file from the OCI CLI's variables when the stack names none", () => {
    const env = { OCI_CLI_AUTH: "security_token", OCI_CLI_PROFILE: "CI", OCI_CLI_CONFIG_FILE: "/etc/oci/config" };
    expect(ociAuthFromStack(stack(undefined), env)).toEqual({ kind: "session-token", file: "/etc/oci/config", profile: "CI" });
    expect(ociAuthFromStack(stack({}), { OCI_CLI_AUTH: "INSTANCE_PRINCIPAL" })).toEqual({ kind: "instance-principal" });
  });

  it("lets the stack's tundra:oci win over the environment, as it does for the stack's OCI provider", () => {
    const env = { OCI_CLI_AUTH: "instance_principal", OCI_CLI_PROFILE: "CI", OCI_CLI_CONFIG_FILE: "/etc/oci/config" };
    expect(ociAuthFromStack(stack({ auth: "ApiKey", configFileProfile: "TUNDRA" }), env)).toEqual({ kind: "config-file", file: "/etc/oci/config", profile: "TUNDRA" });
    expect(ociAuthFromStack(stack({ auth: "SecurityToken" }), env)).toEqual({ kind: "session-token", file: "/etc/oci/config", profile: "CI" });
    // A profile alone in the stack keeps the environment's method.
    expect(ociAuthFromStack(stack({ configFileProfile: "TUNDRA" }), { OCI_CLI_AUTH: "security_token" })).toEqual({ kind: "session-token", file: undefined, profile: "TUNDRA" });
  });

  it("names the setting and the fix when a value is wrong", () => {
    expect(() => ociAuthFromStack(stack({ auth: "Password" }), {})).toThrow(
      'tundra:oci.auth must be one of ApiKey, SecurityToken, InstancePrincipal, ResourcePrincipal, OKEWorkloadIdentity (got "Password"); fix it in Pulumi.<stack>.yaml.',
    );
    expect(() => ociAuthFromStack(stack("ApiKey"), {})).toThrow(/^tundra:oci must be an object such as \{"auth": "ApiKey", "configFileProfile": "DEFAULT"\} \(got ApiKey\)/);
    expect(() => ociAuthFromStack(stack(undefined), { OCI_CLI_AUTH: "password" })).toThrow(
      "OCI_CLI_AUTH=password is not supported; use one of api_key, security_token, instance_principal, resource_principal, oke_workload_identity",
    );
  });

  it("refuses the retired TUNDRA_OCI_AUTH with its replacement instead of silently ignoring it", () => {
    expect(() => ociAuthFromStack(stack(undefined), { TUNDRA_OCI_AUTH: "instance-principal" })).toThrow(
      "TUNDRA_OCI_AUTH is no longer read: set OCI_CLI_AUTH=instance_principal instead (the OCI CLI's variable), or tundra:oci.auth in the stack config, and unset TUNDRA_OCI_AUTH.",
    );
    // Not consulted when the stack names the method, like OCI_CLI_AUTH.
    expect(ociAuthFromStack(stack({ auth: "InstancePrincipal" }), { TUNDRA_OCI_AUTH: "config-file" })).toEqual({ kind: "instance-principal" });
  });
});

describe("ociAuthFromFlags (scripts): flags, then OCI_CLI_*, then api_key with DEFAULT", () => {
  it("lets flags win over the environment", () => {
    const env = { OCI_CLI_AUTH: "instance_principal", OCI_CLI_PROFILE: "CI", OCI_CLI_CONFIG_FILE: "/etc/oci/config" };
    expect(ociAuthFromFlags({ auth: "api_key", profile: "OPS", configFile: "/home/ops/.oci/config" }, env)).toEqual({ kind: "config-file", file: "/home/ops/.oci/config", profile: "OPS" });
    expect(ociAuthFromFlags({}, env)).toEqual({ kind: "instance-principal" });
    expect(ociAuthFromFlags({}, {})).toEqual({ kind: "config-file", file: undefined, profile: "DEFAULT" });
  });

  it("still takes the earlier flag values, saying what to write instead", () => {
    const notices: string[] = [];
    expect(ociAuthFromFlags({ auth: "config-file" }, {}, (m) => notices.push(m))).toEqual({ kind: "config-file", file: undefined, profile: "DEFAULT" });
    expect(notices).toEqual(["--oci-auth config-file is deprecated: use --oci-auth api_key (the OCI CLI's name)."]);
    expect(() => ociAuthFromFlags({ auth: "password" }, {})).toThrow("--oci-auth password is not supported; use one of api_key, security_token, instance_principal");
  });
});

describe("authenticationProvider: the SDK provider for an OciAuth", () => {
  const identity = makeOciTestAuth();
  const dir = useTempDir("oci-auth");
  let file: string;

  beforeAll(() => {
    const keyFile = path.join(dir(), "key.pem");
    fs.writeFileSync(keyFile, identity.provider.getPrivateKey(), { mode: 0o600 });
    file = path.join(dir(), "config");
    fs.writeFileSync(file, [
      "[DEFAULT]", "region=us-ashburn-1", "user=ocid1.user.oc1..default", "fingerprint=aa", "tenancy=ocid1.tenancy.oc1..default", `key_file=${keyFile}`,
      "[MIGRATION]", "region=sa-bogota-1", `user=${identity.provider.getUser()}`, `fingerprint=${identity.provider.getFingerprint()}`, `tenancy=${identity.provider.getTenantId()}`, `key_file=${keyFile}`, "",
    ].join("\n"));
  });

  const keyIdOf = async (auth: OciAuth) => (await authenticationProvider(auth)).getKeyId();

  it("signs with the profile the precedence picked", async () => {
    expect(await keyIdOf(ociAuthFromStack(stack({ auth: "ApiKey", configFileProfile: "MIGRATION" }), { OCI_CLI_CONFIG_FILE: file, OCI_CLI_PROFILE: "DEFAULT" }))).toBe(identity.keyId);
    expect(await keyIdOf(ociAuthFromStack(stack(undefined), { OCI_CLI_CONFIG_FILE: file, OCI_CLI_PROFILE: "MIGRATION" }))).toBe(identity.keyId);
    expect(await keyIdOf(ociAuthFromStack(stack(undefined), { OCI_CLI_CONFIG_FILE: file }))).toMatch(/^ocid1\.tenancy\.oc1\.\.default\//);
  });

  it("passes a ready provider through", async () => {
    expect(await authenticationProvider({ kind: "provider", provider: identity.provider })).toBe(identity.provider);
  });
});
