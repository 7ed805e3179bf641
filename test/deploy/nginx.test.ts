import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable, CHROMIUM, chromiumArgs } from "../support/browser.ts";
import { openWidget, pcState, signInConsole, startShop, type Shop } from "../support/callPages.ts";
import { freshPostgresDatabase } from "../support/databases.ts";
import { type Nginx, nginxAvailable, nginxConfig, selfSignedCertificate, startNginx } from "../support/deployRecipe.ts";
import { FakeTelegram } from "../support/fakeTelegram.ts";
import { DestekProcess, freePort, killAllDestek, runCli, waitFor } from "../support/process.ts";
import { PASSWORD } from "../support/testApp.ts";

// The deployment recipe's nginx (deploy/nginx/*.conf, Debian's nginx) in front of two destek
// processes on PostgreSQL + Redis, all on loopback: a visitor's widget and an agent's console
// reach destek only through it, over TLS (a self-signed certificate, trusted by Chromium's flag),
// and chat and call through it. nginx spreads requests over both nodes with no sticky sessions.

const pgUrl = process.env.TEST_DATABASE_URL;
const redisUrl = process.env.TEST_REDIS_URL;
if (process.env.CI && (!pgUrl || !redisUrl)) throw new Error("CI must set TEST_DATABASE_URL and TEST_REDIS_URL for the deployment test");
const runs = Boolean(pgUrl && redisUrl) && nginxAvailable() && browserAvailable();

/** GET or POST over HTTPS to nginx from a loopback address of the test's choosing. */
function request(
  url: string,
  options: { ca: Buffer; localAddress: string; method?: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: options.method ?? "GET", ca: options.ca, localAddress: options.localAddress, headers: options.headers ?? {} }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (c: string) => {
        body += c;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.once("error", reject);
    req.end(options.body);
  });
}

type LogLine = { msg?: string; req?: { path?: string; ip?: string } };
const requestsTo = (node: DestekProcess, path: string): LogLine[] =>
  node.stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as LogLine)
    .filter((l) => l.msg === "incoming request" && l.req?.path === path);

describe.runIf(runs)("the recipe's nginx in front of two destek nodes", () => {
  const telegram = new FakeTelegram();
  const dir = mkdtempSync(join(tmpdir(), "destek-nginx-"));
  let database: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let nodes: DestekProcess[] = [];
  let nginx: Nginx | undefined;
  let browser: Browser;
  let shop: Shop;
  let base: string;
  let plain: string;
  let ca: Buffer;

  beforeAll(async () => {
    await telegram.start();
    database = await freshPostgresDatabase(pgUrl!);
    const ports = { https: await freePort(), http: await freePort(), site: await freePort(), turnHop: await freePort(), turnTls: await freePort() };
    base = `https://127.0.0.1:${ports.https}`;
    plain = `http://127.0.0.1:${ports.http}`;
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl!,
      SECRET_KEY: randomBytes(32).toString("hex"),
      PUBLIC_URL: base,
      // nginx connects from 127.0.0.1: only its X-Forwarded-For is believed.
      TRUST_PROXY: "127.0.0.1",
      DATA_DIR: join(dir, "data"),
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      PRECHAT_FIELDS: "name:off,email:off,phone:off",
      // Other test files share this Redis and count 127.0.0.1 too.
      AUTH_RATE_LIMIT_PER_MINUTE: "100000",
      RATE_LIMIT_PER_MINUTE: "100000",
      VISITOR_HANDSHAKES_PER_MINUTE: "1000000",
      NEW_VISITORS_PER_HOUR: "1000000",
      NEW_CONVERSATIONS_PER_12H: "1000000",
      VISITOR_MESSAGES_PER_MINUTE: "1000000",
      CALLS_PER_ADDRESS_PER_DAY: "1000000",
    };
    const nodePorts: [number, number] = [await freePort(), await freePort()];
    const added = await runCli(["agent", "add", "--username", "deniz", "--name", "Deniz", "--telegram-chat-id", "727272"], env, `${PASSWORD}\n`, 60_000);
    expect(added.code, `${added.stdout}\n${added.stderr}`).toBe(0);
    nodes = nodePorts.map((port) => new DestekProcess(["serve"], { ...env, PORT: String(port) }));
    for (const [i, node] of nodes.entries()) {
      await waitFor(async () => ((await fetch(`http://127.0.0.1:${nodePorts[i]}/ready`).catch(() => undefined))?.ok ? true : undefined), 60_000, () => node.describe());
    }
    const cert = selfSignedCertificate(dir);
    ca = readFileSync(cert.cert);
    nginx = await startNginx(dir, nginxConfig(dir, { upstreams: nodePorts, ports, cert }), ports.https);
    shop = await startShop({ url: base });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...chromiumArgs(), "--ignore-certificate-errors"] });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    shop?.close();
    await nginx?.stop();
    await killAllDestek();
    await database?.dispose();
    await telegram.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves over TLS from both nodes, redirects plain HTTP, and hands destek the client's address, not a forged one", async () => {
    // Round robin, no stickiness: requests land on both nodes.
    for (let i = 0; i < 6; i++) expect((await request(`${base}/health`, { ca, localAddress: "127.0.0.1" })).status).toBe(200);
    await waitFor(() => (nodes.every((node) => requestsTo(node, "/health").length > 0) ? true : undefined), 10_000, () => nginx!.log());
    // Plain HTTP only redirects to HTTPS (and would answer Let's Encrypt's challenge).
    const redirect = await fetch(`${plain}/console/?x=1`, { redirect: "manual" });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get("location")).toBe("https://127.0.0.1/console/?x=1");

    // A client on 127.0.0.2 writes its own X-Forwarded-For: destek still sees 127.0.0.2 (the address
    // nginx read off the connection, through the PROXY protocol hop), in its audit log and its logs.
    const forged = await request(`${base}/api/auth/login`, {
      ca,
      localAddress: "127.0.0.2",
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": "203.0.113.9" },
      body: JSON.stringify({ username: "deniz", password: "not the password" }),
    });
    expect(forged.status).toBe(401);
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    try {
      const { rows } = await db.query<{ ip: string | null }>("select ip from audit_log where action = 'auth.password_failed'");
      expect(rows).toEqual([{ ip: "127.0.0.2" }]);
    } finally {
      await db.end();
    }
    const logged = nodes.flatMap((node) => requestsTo(node, "/api/auth/login")).map((l) => l.req?.ip);
    expect(logged).toEqual(["127.0.0.2"]);
  }, 60_000);

  it("carries a chat, a voice note and a call between a widget and the console through nginx", async () => {
    const agent = await signInConsole(browser, { url: base, telegram }, "deniz", "727272");
    const { frame } = await openWidget(browser, shop.url);
    await expect.poll(() => frame.url(), { timeout: 30_000 }).toContain(`${base}/`);

    await frame.getByLabel("Message").fill("Hello through nginx");
    await frame.getByRole("button", { name: "Send" }).click();
    await agent.getByText(/^Visitor #/).first().click({ timeout: 30_000 });
    await agent.getByText("Hello through nginx").first().waitFor({ timeout: 30_000 });
    await agent.getByRole("textbox", { name: "Message", exact: true }).fill("Hello back, over TLS");
    await agent.getByRole("button", { name: "Send" }).click();
    await frame.getByText("Hello back, over TLS").waitFor({ timeout: 30_000 });

    // A voice note of a minute (about 3.8 MB, past nginx's default 1 MB body limit) goes through.
    const webm = execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "anoisesrc=duration=60:sample_rate=48000", "-ac", "2", "-c:a", "libopus", "-b:a", "500k", "-f", "webm", "pipe:1"], { maxBuffer: 64 * 1024 * 1024 });
    expect(webm.length).toBeGreaterThan(2 * 1024 * 1024);
    await frame.locator('input[type="file"]').setInputFiles({ name: "voice-note.webm", mimeType: "audio/webm", buffer: webm });
    await agent.locator(".attachment-voice-length", { hasText: "1:00" }).waitFor({ timeout: 30_000 });

    await frame.getByRole("button", { name: "Call" }).click();
    await agent.getByRole("button", { name: "Accept" }).click({ timeout: 30_000 });
    await expect.poll(() => pcState(agent), { timeout: 30_000 }).toBe("connected");
    await expect.poll(() => pcState(frame), { timeout: 30_000 }).toBe("connected");

    // Both pages talk to destek through nginx's TLS port only, and their sockets are websockets.
    for (const page of [agent, frame]) {
      const resources = (await page.evaluate("performance.getEntriesByType('resource').map((e) => e.name)")) as string[];
      expect(resources.filter((name) => name.includes("/api/") || name.includes("/socket.io/")).every((name) => name.startsWith(base))).toBe(true);
    }
  }, 120_000);
});
