import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { OUTPUTS, STAMP, startAction, webAssetsState, webSourceHash, writeStamp } from "../../scripts/webAssets.ts";

// `npm start` rebuilds the console and the widget only when what it would serve is missing or was
// built from other sources; a production install, without vite, serves what was built for it.
describe("when npm start builds the web assets", () => {
  const root = mkdtempSync(join(tmpdir(), "destek-web-assets-"));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  write("web/console/main.tsx", "export const title = 'Gelen kutusu';\n");
  write("web/widget/frame/main.tsx", "export const greeting = 'Merhaba';\n");
  write("web/vite.config.ts", "export default {};\n");
  write("src/protocol/chat.ts", "export const MAX = 4000;\n");
  write("src/domain/chat/messages.ts", "export const serverOnly = true;\n");
  write("package-lock.json", '{ "lockfileVersion": 3 }\n');
  const build = () => {
    for (const output of OUTPUTS) write(output, "built\n");
    writeStamp(root, webSourceHash(root));
  };

  it("finds them missing before the first build, and builds them then", () => {
    const state = webAssetsState(root);
    expect(state).toEqual({ state: "missing", what: "dist/web/console/index.html" });
    expect(startAction(state, true)).toEqual({ action: "build", why: "dist/web/console/index.html is missing" });
  });

  it("finds them fresh after a build, and does not build again, even when file times change", () => {
    build();
    expect(webAssetsState(root)).toEqual({ state: "fresh" });
    expect(startAction(webAssetsState(root), true)).toEqual({ action: "serve" });
    // A checkout or a copy gives every file a new time; the contents are what count.
    utimesSync(join(root, "web/console/main.tsx"), new Date(), new Date(Date.now() + 60_000));
    expect(webAssetsState(root)).toEqual({ state: "fresh" });
    // A change to the server alone does not touch what the browser gets.
    write("src/domain/chat/messages.ts", "export const serverOnly = false;\n");
    expect(webAssetsState(root)).toEqual({ state: "fresh" });
  });

  it("finds them stale when a web source, a protocol file web/ imports, a vite config or the lock file changes", () => {
    for (const [path, text] of [
      ["web/console/main.tsx", "export const title = 'Inbox';\n"],
      ["src/protocol/chat.ts", "export const MAX = 5000;\n"],
      ["web/vite.config.ts", "export default { base: '/x/' };\n"],
      ["package-lock.json", '{ "lockfileVersion": 3, "packages": {} }\n'],
      ["web/widget/frame/newPart.tsx", "export {};\n"],
    ] as const) {
      build();
      write(path, text);
      const state = webAssetsState(root);
      expect(state, path).toEqual({ state: "stale", why: "the web sources changed since they were built" });
      expect(startAction(state, true), path).toMatchObject({ action: "build" });
    }
  });

  it("finds them missing when one of the outputs is gone, and stale without the stamp of a build", () => {
    build();
    rmSync(join(root, "dist/web/widget.js"));
    expect(webAssetsState(root)).toEqual({ state: "missing", what: "dist/web/widget.js" });
    build();
    rmSync(join(root, STAMP));
    expect(webAssetsState(root)).toMatchObject({ state: "stale" });
  });

  it("in a production install (no vite) serves stale assets with a note, and refuses clearly when there are none", () => {
    expect(startAction({ state: "fresh" }, false)).toEqual({ action: "serve" });
    const stale = startAction({ state: "stale", why: "the web sources changed since they were built" }, false);
    expect(stale).toMatchObject({ action: "serve", note: expect.stringContaining("vite is not installed here") });
    const missing = startAction({ state: "missing", what: "dist/web/widget.js" }, false);
    expect(missing).toMatchObject({ action: "refuse" });
    expect(missing.action === "refuse" && missing.message).toContain("npm ci --omit=dev");
    expect(missing.action === "refuse" && missing.message).toContain("npm run build");
  });
});
