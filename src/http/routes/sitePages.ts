import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { FastifyPluginAsync } from "fastify";

const WEB = resolve(import.meta.dirname, "../../../web");

/** The one favicon of destek (console, widget frame, demo); browsers ask /favicon.ico whatever the page says. */
const FAVICON = readFileSync(resolve(WEB, "console/public/favicon.svg"), "utf8");

/** The tag the demo page embeds, and shows: one string, so the page never shows a tag it does not use. */
export const DEMO_EMBED_TAG = '<script src="/widget.js" data-greeting="Merhaba! How can we help you today?" async></script>';

const escapeHtml = (text: string) => text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

function renderDemoPage(): string {
  const template = readFileSync(resolve(WEB, "demo/index.html"), "utf8");
  return template.replace("<!-- embed:shown -->", escapeHtml(DEMO_EMBED_TAG)).replace("<!-- embed:used -->", DEMO_EMBED_TAG);
}

/** The favicon at both addresses, and the demo page with its embed tag filled in. */
export const sitePageRoutes: FastifyPluginAsync = async (app) => {
  for (const url of ["/favicon.svg", "/favicon.ico"]) {
    app.get(url, async (_request, reply) => reply.type("image/svg+xml").header("cache-control", "public, max-age=86400").send(FAVICON));
  }
  const demoPage = renderDemoPage();
  for (const url of ["/demo/", "/demo/index.html"]) {
    app.get(url, async (_request, reply) => reply.type("text/html; charset=utf-8").header("cache-control", "no-cache").send(demoPage));
  }
};
