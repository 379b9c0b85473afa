// The OCI SDK prints "Request cannot be retried ... Exception occurred" with console.warn for every
// failed call. Where the store handles the error (a 404 that means "absent") the line is dropped;
// an error nobody handles is still printed.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { OciStore } from "../../components/transfer/oci-store";
import { makeOciTestAuth } from "../support/oci-signature";
import { OciObjectStorageServer } from "../support/oci-objectstorage-server";

const auth = makeOciTestAuth();
const stranger = makeOciTestAuth();

describe("the OCI SDK's error lines", () => {
  let server: OciObjectStorageServer;
  const warned: string[] = [];

  beforeAll(async () => {
    // Spied before the first OCI call, so the filter (installed on first use) sits in front of it.
    vi.spyOn(console, "warn").mockImplementation((...args: unknown[]) => void warned.push(String(args[0])));
    server = new OciObjectStorageServer({ buckets: ["data"], publicKeys: new Map([[auth.keyId, auth.publicKey]]) });
    await server.start();
  });
  afterAll(() => {
    vi.restoreAllMocks();
    return server.close();
  });

  it("are not printed for the 404s the store handles (head, delete of an absent object)", async () => {
    const store = new OciStore({ bucket: "data", endpoint: server.endpoint, auth: { kind: "provider", provider: auth.provider } });
    expect(await store.head("absent")).toBeUndefined();
    await store.delete("absent");
    expect(warned.filter((l) => /Request cannot be retried/.test(l))).toEqual([]);
  });

  it("are still printed for an error the store does not handle", async () => {
    // The namespace is given, so the refusal comes from the head itself (the call that handles 404s).
    const other = new OciStore({ namespace: "testns", bucket: "data", endpoint: server.endpoint, auth: { kind: "provider", provider: stranger.provider } });
    await expect(other.head("x")).rejects.toMatchObject({ statusCode: 401 });
    expect(warned.filter((l) => /Request cannot be retried/.test(l))).toHaveLength(1);
  });
});
