import { readFileSync } from "node:fs";
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

describe("widget bundle sizes", () => {
  it("keeps the loader (widget.js) within 6 KB gzip", () => {
    const size = gzipped(join(WEB, "widget.js"));
    console.log(`widget.js: ${size} bytes gzip (budget ${LOADER_BUDGET})`);
    expect(size).toBeLessThanOrEqual(LOADER_BUDGET);
  });

  it("keeps all JS and CSS of the frame within 40 KB gzip", () => {
    const html = readFileSync(join(WEB, "widget", "frame.html"), "utf8");
    const assets = frameAssets(html);
    expect(assets.some((a) => a.endsWith(".js"))).toBe(true);
    expect(assets.some((a) => a.endsWith(".css"))).toBe(true);
    const sizes = assets.map((asset) => ({ asset, size: gzipped(asset) }));
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
