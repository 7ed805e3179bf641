import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";

// Budgets for what every visitor of a customer's site downloads. `npm test` builds dist/ first.
const WEB = resolve(import.meta.dirname, "../../dist/web");
const LOADER_BUDGET = 6 * 1024;
const FRAME_BUDGET = 40 * 1024;

function gzipped(path: string): number {
  return gzipSync(readFileSync(path), { level: 9 }).length;
}

/** The JS and CSS files frame.html loads (paths are under the /widget/ base). */
function frameAssets(html: string): string[] {
  const references = [...html.matchAll(/(?:src|href)="\/widget\/([^"]+\.(?:js|css))"/g)].map((m) => m[1] ?? "");
  return references.map((reference) => join(WEB, "widget", reference));
}

/**
 * The frame downloads its visitor's dictionary while it starts (web/widget/frame/src/i18n): every
 * visitor loads one, so the larger one, with the chunks it imports, counts against the first load.
 */
function largestDictionary(): { assets: string[]; size: number } {
  const dir = join(WEB, "widget", "assets");
  const withImports = (file: string): string[] => {
    const imported = [...readFileSync(join(dir, file), "utf8").matchAll(/from\s*"\.\/([^"]+\.js)"/g)].map((m) => m[1] ?? "");
    return [file, ...imported.flatMap(withImports)];
  };
  const dictionaries = readdirSync(dir)
    .filter((file) => /^(en|tr)-[\w-]+\.js$/.test(file))
    .map((file) => {
      const assets = [...new Set(withImports(file))].map((f) => join(dir, f));
      return { assets, size: assets.reduce((sum, asset) => sum + gzipped(asset), 0) };
    });
  expect(dictionaries.length, "one chunk per widget language").toBe(2);
  return dictionaries.reduce((a, b) => (a.size >= b.size ? a : b));
}

describe("widget bundle sizes", () => {
  it("keeps the loader (widget.js) within 6 KB gzip", () => {
    const size = gzipped(join(WEB, "widget.js"));
    console.log(`widget.js: ${size} bytes gzip (budget ${LOADER_BUDGET})`);
    expect(size).toBeLessThanOrEqual(LOADER_BUDGET);
  });

  it("keeps all JS and CSS of the frame, with its visitor's dictionary, within 40 KB gzip", () => {
    const html = readFileSync(join(WEB, "widget", "frame.html"), "utf8");
    const assets = frameAssets(html);
    expect(assets.some((a) => a.endsWith(".js"))).toBe(true);
    expect(assets.some((a) => a.endsWith(".css"))).toBe(true);
    const sizes = [...assets, ...largestDictionary().assets].map((asset) => ({ asset, size: gzipped(asset) }));
    const total = sizes.reduce((sum, { size }) => sum + size, 0);
    for (const { asset, size } of sizes) console.log(`${asset.slice(WEB.length + 1)}: ${size} bytes gzip`);
    console.log(`frame total: ${total} bytes gzip (budget ${FRAME_BUDGET})`);
    expect(total).toBeLessThanOrEqual(FRAME_BUDGET);
  });

  it("gives frame.html nothing the CSP would block: no inline scripts, no style attributes", () => {
    const html = readFileSync(join(WEB, "widget", "frame.html"), "utf8");
    const scripts = [...html.matchAll(/<script\b([^>]*)>/gi)].map((m) => m[1] ?? "");
    expect(scripts.length).toBeGreaterThan(0);
    for (const attributes of scripts) expect(attributes).toMatch(/\bsrc=/);
    expect(html).not.toMatch(/\sstyle\s*=/i);
    expect(html).not.toMatch(/<style\b/i);
  });
});
