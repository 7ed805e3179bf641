import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";

// What an agent's phone downloads and parses before the console can show the inbox
// (`npm run bench -- console` measures the time). `npm test` builds dist/ first.
const CONSOLE = resolve(import.meta.dirname, "../../dist/web/console");
const ENTRY_BUDGET = 110 * 1024;

/** The JS and CSS the console's index.html loads up front. */
function entryAssets(): string[] {
  const html = readFileSync(join(CONSOLE, "index.html"), "utf8");
  return [...html.matchAll(/(?:src|href)="\/console\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => join(CONSOLE, m[1] ?? ""));
}

describe("console bundle", () => {
  it("keeps its first load within 110 KB gzip", () => {
    const assets = entryAssets();
    expect(assets.some((a) => a.endsWith(".js"))).toBe(true);
    const total = assets.reduce((sum, asset) => sum + gzipSync(readFileSync(asset), { level: 9 }).length, 0);
    console.log(`console first load: ${total} bytes gzip (budget ${ENTRY_BUDGET})`);
    expect(total).toBeLessThanOrEqual(ENTRY_BUDGET);
  });

  it("leaves zod out: the console imports protocol types and zod-free constants only", () => {
    // A value import from a src/protocol module that builds zod schemas brings all of zod (80 KB).
    for (const asset of entryAssets().filter((a) => a.endsWith(".js"))) expect(readFileSync(asset, "utf8")).not.toContain("ZodError");
  });
});
