// The node's own facts from the OCI instance metadata service (IMDS v2: link-local, needs the
// "Authorization: Bearer Oracle" header, reachable only from the instance itself).
import * as http from "http";
import { NODE_NAME_PATTERN } from "../control";

const IMDS = "http://169.254.169.254/opc/v2/instance/";

export function readInstanceMetadata(field: string, timeoutMs = 5000, base = IMDS): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}${field}`, { headers: { Authorization: "Bearer Oracle" }, timeout: timeoutMs }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => (res.statusCode === 200 ? resolve(body.trim()) : reject(new Error(`Instance metadata ${field}: HTTP ${res.statusCode} ${body.slice(0, 200)}`))));
    });
    req.on("timeout", () => req.destroy(new Error(`Instance metadata ${field}: no answer within ${timeoutMs} ms (not running on an OCI instance?)`)));
    req.on("error", reject);
  });
}

/** The instance display name as a node name (it becomes an object key: validated). */
export async function nodeNameFromInstanceMetadata(base?: string): Promise<string> {
  const name = await readInstanceMetadata("displayName", 5000, base);
  if (!NODE_NAME_PATTERN.test(name)) {
    throw new Error(`The instance display name ${JSON.stringify(name)} cannot be a node name (letters, digits, '.', '_', '-'; at most 63): set "node" in the agent config.`);
  }
  return name;
}
