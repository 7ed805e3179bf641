import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInWithPassword, verifySecondFactor } from "../../src/domain/auth/login.ts";
import { addAgent, codeFrom, PASSWORD, startTestServer, type TestServer } from "../support/testApp.ts";

describe("socket gateway", () => {
  let t: TestServer;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await startTestServer({ env: { METRICS_TOKEN: "metrics-token-0123456789" } });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await t.close();
  });

  const open = (auth: Record<string, unknown>) => {
    const socket = connect(`${t.url}/agent`, { auth, transports: ["websocket"], reconnection: false });
    sockets.push(socket);
    return new Promise<Socket>((resolve, reject) => {
      socket.once("connect", () => resolve(socket));
      socket.once("connect_error", reject);
    });
  };

  let agents = 0;
  async function accessToken() {
    const username = `socketeer${++agents}`;
    const chat = String(9900 + agents);
    await addAgent(t.deps, username, { telegramChatId: chat });
    const client = { ip: "10.3.3.3", userAgent: null };
    const { ticket } = await signInWithPassword(t.deps.domain, { username, password: PASSWORD, ...client });
    const code = codeFrom(t.telegram.sent.findLast((m) => String(m.chat_id) === chat)?.text);
    return (await verifySecondFactor(t.deps.domain, { ticket, code, method: "telegram", ...client })).accessToken;
  }

  it("refuses a connection without a valid access token", async () => {
    await expect(open({})).rejects.toThrow("unauthenticated");
    await expect(open({ token: "forged" })).rejects.toThrow("session_invalid");
  });

  it("accepts a signed-in agent over a real websocket and counts it in the metrics", async () => {
    const socket = await open({ token: await accessToken() });
    expect(socket.connected).toBe(true);
    await t.app.inject({ method: "GET", url: "/health" });
    const metrics = await t.app.inject({ method: "GET", url: "/metrics", headers: { authorization: "Bearer metrics-token-0123456789" } });
    expect(metrics.body).toMatch(/destek_socket_connections\{role="agent",app="destek"\} 1/);
    expect(metrics.body).toContain("nodejs_eventloop_lag_seconds");
    expect(metrics.body).toContain("destek_outbox_pending");
    expect(metrics.body).toMatch(/destek_http_request_duration_seconds_count\{[^}]*route="\/health"/);
  });

  it("disconnects an agent's open consoles when they sign out everywhere", async () => {
    const token = await accessToken();
    const socket = await open({ token });
    const gone = new Promise<string>((resolve) => socket.once("disconnect", resolve));
    const res = await t.app.inject({ method: "POST", url: "/api/auth/logout-all", payload: {}, headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(204);
    expect(await gone).toBe("io server disconnect");
  });
});
