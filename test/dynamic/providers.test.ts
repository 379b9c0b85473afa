// Every dynamic provider is built one way (components/dynamic/provider.ts): its file differs from
// the others only in the resource's name and the module path, and what Pulumi serializes into the
// state holds that path and nothing else of the project: no absolute path, engine code, schema or SDK.
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { serializeProvider } from "../support/provider-host";

const ROOT = path.resolve(__dirname, "../..");

function filesUnder(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : [],
  );
}

const components = filesUnder("components");
const providerFiles = components.filter((f) => path.basename(f) === "provider.ts" && !f.startsWith(path.join("components", "dynamic")));

/** The provider file with its name, module path and relative depth taken out. */
function shapeOf(file: string): { text: string; exportName: string; modulePath: string } {
  const source = fs.readFileSync(path.join(ROOT, file), "utf8");
  const exportName = /export const (\w+Provider) = /.exec(source)?.[1] ?? "";
  const modulePath = /dynamicProvider\("([^"]+)"/.exec(source)?.[1] ?? "";
  const text = source
    .replace(/^\/\/ The \w+ dynamic provider:/m, "// The <Name> dynamic provider:")
    .replace(/"(\.\.\/)+dynamic\/provider"/, '"<dynamic>/provider"')
    .replace(exportName, "<name>Provider")
    .replace(modulePath, "<module>");
  return { text, exportName, modulePath };
}

describe("one shape for every dynamic provider", () => {
  it("finds the providers of every dynamic resource class", () => {
    const resourceClasses = components.filter((f) => /extends pulumi\.dynamic\.Resource\b/.test(fs.readFileSync(path.join(ROOT, f), "utf8")));
    expect(resourceClasses.length).toBeGreaterThanOrEqual(6);
    for (const file of resourceClasses) {
      const source = fs.readFileSync(path.join(ROOT, file), "utf8");
      const imported = /import \{ (\w+Provider) \} from "\.\/provider";/.exec(source);
      expect(imported, `${file} takes its provider from ./provider`).not.toBeNull();
      expect(providerFiles).toContain(path.join(path.dirname(file), "provider.ts"));
    }
  });

  it("the provider files differ only in the resource's name and module path", () => {
    const shapes = providerFiles.map(shapeOf);
    expect(new Set(shapes.map((s) => s.text)).size, providerFiles.join(", ")).toBe(1);
    for (const [i, file] of providerFiles.entries()) {
      expect(shapes[i].modulePath).toBe(path.join(path.dirname(file), "operations").split(path.sep).join("/"));
    }
  });

  for (const file of providerFiles) {
    it(`${file}: the serialized provider holds its module path and nothing else of the project`, async () => {
      const { exportName, modulePath } = shapeOf(file);
      const text = await serializeProvider(file, exportName);
      expect(text).toContain(modulePath);
      expect(text).not.toContain(ROOT);
      for (const captured of ["@aws-sdk", "oci-common", "oci-objectstorage", "zod", "safeParse", "planSteps", "runCutover", "checkedListing", "require(\"./operations\")"]) {
        expect(text, `${file} captures ${captured}`).not.toContain(captured);
      }
      expect(text.length).toBeLessThan(10_000);
    });
  }
});
