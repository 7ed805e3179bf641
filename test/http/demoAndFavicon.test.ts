import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqlite } from "../support/databases.ts";
import { startTestApp, type TestApp } from "../support/testApp.ts";

const decodeEntities = (html: string) => html.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&quot;", '"').replaceAll("&amp;", "&");

describe("the demo page and the favicon", () => {
  let t: TestApp;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    const db = await openSqlite();
    dispose = db.dispose;
    t = await startTestApp({ database: db });
  });
  afterAll(async () => {
    await t.close();
    await dispose();
  });

  it("shows the very embed tag it uses", async () => {
    for (const url of ["/demo/", "/demo/index.html"]) {
      const res = await t.app.inject({ method: "GET", url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers["content-type"]).toMatch(/^text\/html/);
      const used = res.body.match(/<script src="\/widget\.js"[^>]*><\/script>/g) ?? [];
      expect(used, url).toHaveLength(1);
      const shown = res.body.match(/<pre><code>([^<]*)<\/code><\/pre>/)?.[1];
      expect(shown && decodeEntities(shown), url).toBe(used[0]);
    }
  });

  it("serves one SVG favicon at /favicon.svg and /favicon.ico, named by the console, the widget frame and the demo", async () => {
    for (const url of ["/favicon.svg", "/favicon.ico"]) {
      const res = await t.app.inject({ method: "GET", url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers["content-type"], url).toBe("image/svg+xml");
      expect(res.headers["cache-control"], url).toMatch(/max-age=\d+/);
      expect(res.body, url).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    }
    const demo = await t.app.inject({ method: "GET", url: "/demo/" });
    expect(demo.body).toContain('<link rel="icon" type="image/svg+xml" href="/favicon.svg">');
  });
});
