import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { total, widgetSizes } from "../../scripts/widgetSizes.ts";

// Budgets for what every visitor of a customer's site downloads. `npm test` builds dist/ first.
const WEB = resolve(import.meta.dirname, "../../dist/web");
const LOADER_BUDGET = 6 * 1024;
const FRAME_BUDGET = 40 * 1024;

describe("widget bundle sizes", () => {
  it("keeps the loader (widget.js) within 6 KB gzip", () => {
    const { loader } = widgetSizes(WEB);
    console.log(`widget.js: ${loader.gzip} bytes gzip (budget ${LOADER_BUDGET})`);
    expect(loader.gzip).toBeLessThanOrEqual(LOADER_BUDGET);
  });

  it("keeps all JS and CSS of the frame, with its visitor's dictionary, within 40 KB gzip", () => {
    const { frame, dictionaries } = widgetSizes(WEB);
    // The frame downloads its visitor's dictionary while it starts (web/widget/frame/src/i18n): every
    // visitor loads one, so the larger one, with the chunks it imports, counts against the first load.
    expect(dictionaries.length, "one chunk per widget language").toBe(2);
    expect(frame.some((a) => a.file.endsWith(".js"))).toBe(true);
    expect(frame.some((a) => a.file.endsWith(".css"))).toBe(true);
    for (const { file, gzip } of frame) console.log(`${file}: ${gzip} bytes gzip`);
    console.log(`frame total: ${total(frame)} bytes gzip (budget ${FRAME_BUDGET})`);
    expect(total(frame)).toBeLessThanOrEqual(FRAME_BUDGET);
  });

  it("loads the call code only when a call starts: the frame's first load names none of it", () => {
    const { frame, call } = widgetSizes(WEB);
    expect(call.some((c) => c.file.includes("CallScreen"))).toBe(true);
    const firstLoad = new Set(frame.map((f) => f.file));
    for (const chunk of call) expect(firstLoad.has(chunk.file), chunk.file).toBe(false);
    // Nor does the first load import it statically (a dynamic import() fetches it when a call starts).
    for (const { file } of frame.filter((f) => f.file.endsWith(".js"))) {
      expect(readFileSync(join(WEB, file), "utf8"), file).not.toMatch(/(?:from|import)\s*["']\.\/(?:CallScreen|recorderLeg)-/);
    }
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
