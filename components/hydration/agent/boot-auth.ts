// How the boot fetcher (fetch-agent.ts) signs its requests to OCI with Node built-ins only: it
// travels in the user data (OCI's 32,000 bytes of metadata), and the OCI SDK bundled is ~200 KB
// gzipped. OCI request signatures ("Request Signatures" in the OCI API docs: version 1,
// rsa-sha256 over the named headers), with either
//   - the instance principal: leaf certificate and key from the instance metadata service (IMDS
//     v2, "Authorization: Bearer Oracle"), exchanged at the region's auth service
//     (POST https://auth.<region>.oraclecloud.com/v1/x509, signed with the leaf key as
//     "<tenancy>/fed-x509/<sha1 fingerprint>") for a security token bound to a session key made
//     here; requests are then signed with keyId "ST$<token>" and the session key. The exchange is
//     the one oci-common's X509FederationClient makes (same JSON payload, same signed headers); or
//   - an API key from an OCI config file (tests and development off OCI).
// The auth service and Object Storage are Oracle services reached through the VCN's service
// gateway; nothing here needs the internet. Endpoints are the commercial realm's (oraclecloud.com):
// the project's regions are OC1's (components/oci/regions.ts).
import * as crypto from "crypto";
import * as fsp from "fs/promises";
import * as http from "http";
import * as https from "https";
import * as os from "os";
import * as path from "path";

/** The instance metadata service (IMDS v2). */
export const IMDS_BASE = "http://169.254.169.254/opc/v2/";

export interface BootConfig {
  region: string;
  namespace: string;
  bucket: string;
  endpoint?: string;
  auth?: "instance_principal" | { configFile: string; profile?: string };
}

export interface Signing {
  keyId: string;
  key: crypto.KeyObject;
}

interface Response {
  status: number;
  body: Buffer;
}

export function request(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Response> {
  const u = new URL(url);
  const client = u.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(u, { method: opts.method ?? "GET", headers: opts.headers, timeout: 60_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`timed out: ${u.host}`)));
    req.on("error", reject);
    req.end(opts.body);
  });
}

/** The Authorization header of OCI's request signature (version 1, rsa-sha256). */
export function sign(signing: Signing, method: string, url: string, headers: Record<string, string>, names: string[]): void {
  const u = new URL(url);
  headers.host = u.host;
  const target = `${method.toLowerCase()} ${u.pathname}${u.search}`;
  const text = names.map((n) => (n === "(request-target)" ? `${n}: ${target}` : `${n}: ${headers[n]}`)).join("\n");
  const signature = crypto.sign("sha256", Buffer.from(text), signing.key).toString("base64");
  headers.authorization = `Signature version="1",keyId="${signing.keyId}",algorithm="rsa-sha256",headers="${names.join(" ")}",signature="${signature}"`;
}

async function imds(base: string, resource: string): Promise<string> {
  const res = await request(base + resource, { headers: { authorization: "Bearer Oracle" } });
  if (res.status !== 200) throw new Error(`instance metadata ${resource}: HTTP ${res.status}`);
  return res.body.toString("utf8");
}

/** PEM without its armour lines and line breaks, as the auth service takes certificates and keys. */
export function bare(pem: string): string {
  return pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, "").replace(/\s+/g, "");
}

/** The instance principal's session: a security token for a key pair made here. */
export async function instancePrincipal(region: string, endpoints: { imds?: string; auth?: string } = {}): Promise<Signing> {
  const base = endpoints.imds ?? IMDS_BASE;
  const authEndpoint = endpoints.auth ?? `https://auth.${region}.oraclecloud.com`;
  const [certPem, keyPem, intermediatePem] = await Promise.all([imds(base, "identity/cert.pem"), imds(base, "identity/key.pem"), imds(base, "identity/intermediate.pem")]);
  const cert = new crypto.X509Certificate(certPem);
  // The tenancy is in the leaf certificate's subject: OU=opc-tenant:<ocid> (or O=opc-identity:<ocid>).
  const tenancy = /opc-(?:tenant|identity):(ocid1\.[^\s,/+]+)/.exec(cert.subject)?.[1];
  if (!tenancy) throw new Error("instance principal: no opc-tenant in the instance certificate's subject");
  const session = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  const body = JSON.stringify({
    certificate: bare(certPem),
    purpose: "DEFAULT",
    publicKey: bare(session.publicKey.export({ type: "spki", format: "pem" }).toString()),
    intermediateCertificates: [bare(intermediatePem)],
  });
  const url = `${authEndpoint}/v1/x509`;
  const headers: Record<string, string> = {
    date: new Date().toUTCString(),
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(body)),
    "x-content-sha256": crypto.createHash("sha256").update(body).digest("base64"),
  };
  const fingerprint = cert.fingerprint.toLowerCase(); // SHA-1, colon-separated, as the SDK's keyId has it
  sign({ keyId: `${tenancy}/fed-x509/${fingerprint}`, key: crypto.createPrivateKey(keyPem) }, "POST", url, headers, ["date", "(request-target)", "host", "content-type", "content-length", "x-content-sha256"]);
  const res = await request(url, { method: "POST", headers, body });
  if (res.status !== 200) throw new Error(`auth service ${url}: HTTP ${res.status} ${res.body.toString("utf8").slice(0, 300)}`);
  const token = (JSON.parse(res.body.toString("utf8")) as { token?: string }).token;
  if (!token) throw new Error(`auth service ${url}: no token in the answer`);
  return { keyId: `ST$${token}`, key: session.privateKey };
}

/** An API key from an OCI config file (INI: [PROFILE] user, fingerprint, tenancy, key_file). */
export async function apiKey(file: string, profile = "DEFAULT"): Promise<Signing> {
  const expand = (p: string) => (p.startsWith("~/") ? path.join(os.homedir(), p.slice(2)) : p);
  const values: Record<string, string> = {};
  let section = "";
  for (const line of (await fsp.readFile(expand(file), "utf8")).split(/\r?\n/)) {
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (header) section = header[1];
    else if (section === profile) {
      const kv = /^\s*([^=#;\s]+)\s*=\s*(.*?)\s*$/.exec(line);
      if (kv) values[kv[1]] = kv[2];
    }
  }
  for (const k of ["user", "fingerprint", "tenancy", "key_file"]) if (!values[k]) throw new Error(`${file} [${profile}]: no ${k}`);
  const key = crypto.createPrivateKey({ key: await fsp.readFile(expand(values.key_file)), passphrase: values.pass_phrase });
  return { keyId: `${values.tenancy}/${values.user}/${values.fingerprint}`, key };
}
