// TypeScript to one CommonJS script for Node, with esbuild (a dependency: tsx and the agent bundle
// use it): minified, deterministic, bare imports left to require() at run time unless the caller
// bundles its packages (the agent does: nodes install none). The hydration agent's bundle and the
// copy of the write-and-hash worker it carries are both built here.
import type { BuildOptions, Metafile } from "esbuild";

export interface NodeScript {
  text: string;
  /** What esbuild read and what it left external (the packages the script requires). */
  metafile: Metafile;
}

export function buildNodeScript(entry: string, options: Pick<BuildOptions, "absWorkingDir" | "define" | "packages" | "target"> = {}): NodeScript {
  const esbuild = require("esbuild") as typeof import("esbuild");
  const result = esbuild.buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    target: "node18",
    format: "cjs",
    minify: true,
    legalComments: "none",
    packages: "external",
    write: false,
    metafile: true,
    logLevel: "silent",
    ...options,
  });
  return { text: result.outputFiles[0].text, metafile: result.metafile! };
}
