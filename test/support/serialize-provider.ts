// Serializes a dynamic provider the way `new pulumi.dynamic.Resource` does, in a plain Node
// process (run through tsx), because the engine's language host runs the program outside
// vitest's module transform and that changes what the closure serializer sees.
// Usage: node --import tsx serialize-provider.ts <module path> <export name>
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

async function main(): Promise<void> {
  const [modulePath, exportName] = process.argv.slice(2);
  if (!modulePath || !exportName) {
    throw new Error("usage: serialize-provider.ts <module path> <export name>");
  }
  const mod = require(path.resolve(modulePath));
  const provider = mod[exportName];
  if (!provider || typeof provider !== "object") {
    throw new Error(`${modulePath} does not export a provider object named ${exportName}`);
  }
  const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  process.stdout.write(JSON.stringify({ text: serialized.text }));
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
