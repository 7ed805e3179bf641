import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/process.ts";

// A production install (`npm ci --omit=dev`) has no devDependencies: the server, the CLI and what
// `npm start` runs first may only load packages listed under dependencies.
const manifest = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };

function sourcesUnder(dir: string): string[] {
  return readdirSync(join(REPO_ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourcesUnder(path);
    return /\.(ts|js|mjs)$/.test(entry.name) ? [path] : [];
  });
}

/** The packages a file loads when it runs: static imports and re-exports (not `import type`), side-effect imports and, unless told otherwise, `import()`. */
function runtimeImports(source: string, options: { dynamic: boolean }): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(/^\s*(?:import|export)\s+(type\s+)?(?:[^;"']*?\s+from\s+)?["']([^"']+)["']/gm)) {
    if (!match[1]) found.push(match[2]!);
  }
  if (options.dynamic) for (const match of source.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) found.push(match[1]!);
  return found
    .filter((specifier) => !specifier.startsWith(".") && !specifier.startsWith("node:") && !builtinModules.includes(specifier.split("/")[0]!))
    .map((specifier) => (specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!));
}

describe("a production install", () => {
  it("finds every package the server and the CLI load among the dependencies", () => {
    const files = [...sourcesUnder("src"), "bin/destek.js"];
    const outside: string[] = [];
    for (const file of files) {
      for (const name of runtimeImports(readFileSync(join(REPO_ROOT, file), "utf8"), { dynamic: true })) {
        if (!(name in manifest.dependencies)) outside.push(`${relative(REPO_ROOT, join(REPO_ROOT, file))} loads ${name}`);
      }
    }
    expect(files.length).toBeGreaterThan(100);
    expect(outside).toEqual([]);
  });

  it("runs `npm start`'s asset check without vite, which it loads only to build", () => {
    const source = readFileSync(join(REPO_ROOT, "scripts/webAssets.ts"), "utf8");
    expect(runtimeImports(source, { dynamic: false }).filter((name) => !(name in manifest.dependencies))).toEqual([]);
    expect(runtimeImports(source, { dynamic: true })).toContain("vite");
    expect(manifest.dependencies.tsx).toBeDefined();
  });

  it("reads imports as the check means to", () => {
    const sample = [
      'import { z } from "zod";',
      'import type { Readable } from "node:stream";',
      'import type { FastifyInstance } from "fastify-only-types";',
      "import {\n  a,\n  type B,\n} from \"@scope/pkg/sub\";",
      'import "side-effect";',
      'export { x } from "re-exported";',
      'export type { Y } from "types-only";',
      'const lazy = await import("lazy-one");',
      'import { readFile } from "fs/promises";',
      'import local from "./local.ts";',
    ].join("\n");
    expect(runtimeImports(sample, { dynamic: true })).toEqual(["zod", "@scope/pkg", "side-effect", "re-exported", "lazy-one"]);
  });
});
