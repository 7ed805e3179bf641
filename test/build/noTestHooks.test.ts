import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

// What `npm run build` ships (and `npm start` serves) carries no hooks for tests: browser tests
// reach a call's RTCPeerConnection through an init script of their own (test/support/callPages.ts).
const WEB = resolve(import.meta.dirname, "../../dist/web");

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

describe("the production bundles", () => {
  it("hold no window.__destek… test hooks", () => {
    const shipped = files(WEB).filter((path) => /\.(?:js|html|css)$/.test(path));
    expect(shipped.some((path) => path.endsWith(".js"))).toBe(true);
    const hooked = shipped.filter((path) => /__destek|__testCall/.test(readFileSync(path, "utf8")));
    expect(hooked.map((path) => path.slice(WEB.length + 1))).toEqual([]);
  });
});
