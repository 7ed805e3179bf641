import { io as connect } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nextRetryDelay, refusalOf, waitParts } from "../../web/widget/frame/src/chat/refusal.ts";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { newVisitorToken } from "../support/chatClients.ts";
import { type LimitedServer, startLimitedServer, uniqueLoopback } from "../support/limitedServer.ts";

/** A widget string table read as text: its files import the call screen without extensions, for Vite. */
function strings(language: "en" | "tr"): Record<string, string> {
  const source = readFileSync(join(import.meta.dirname, `../../web/widget/frame/src/i18n/${language}.ts`), "utf8");
  return Object.fromEntries([...source.matchAll(/^\t"([\w.]+)": "((?:[^"\\]|\\.)*)",$/gm)].map((m) => [m[1]!, m[2]!]));
}
const en = strings("en");
const tr = strings("tr");

const LIMIT_IDS = ["too_many_new_chats", "too_many_new_visitors", "too_many_connections", "too_many_messages", "too_many_calls", "upload_quota_reached"] as const;

describe("the widget's handling of a refusal", () => {
  it("waits for the server's retry time, never less than its own backoff", () => {
    expect(nextRetryDelay({ id: "too_many_new_visitors", retryAfterMs: 12 * 60_000 }, 2_000)).toBe(12 * 60_000);
    expect(nextRetryDelay({ id: "too_many_connections", retryAfterMs: 500 }, 8_000)).toBe(8_000);
    expect(nextRetryDelay(null, 4_000)).toBe(4_000);
  });

  it("reads the refusal only from a well-formed connect_error data", () => {
    expect(refusalOf(Object.assign(new Error("too_many_new_chats"), { data: { id: "too_many_new_chats", retryAfterMs: 5 } }))).toEqual({ id: "too_many_new_chats", retryAfterMs: 5 });
    expect(refusalOf(new Error("unauthenticated"))).toBeNull();
    expect(refusalOf(Object.assign(new Error("x"), { data: { id: "x", retryAfterMs: "soon" } }))).toBeNull();
    expect(refusalOf(null)).toBeNull();
  });

  it("says how long to wait in whole minutes, or hours past two hours", () => {
    expect(waitParts(11 * 60_000 + 1)).toEqual({ unit: "minutes", count: 12 });
    expect(waitParts(1)).toEqual({ unit: "minutes", count: 1 });
    expect(waitParts(12 * 60 * 60_000)).toEqual({ unit: "hours", count: 12 });
  });

  it("has every limit's message in Turkish and English, with the wait", () => {
    for (const id of LIMIT_IDS) {
      expect(en[`error.${id}`]).toContain("{wait}");
      expect(tr[`error.${id}`]).toContain("{wait}");
    }
    expect(en["error.too_many_new_chats"]!.replace("{wait}", en["wait.minutes"]!.replace("{count}", "12"))).toBe(
      "Too many new chats from your network, try again in 12 minutes.",
    );
    expect(tr["error.too_many_new_chats"]!.replace("{wait}", tr["wait.minutes"]!.replace("{count}", "12"))).toBe(
      "Ağınızdan çok fazla yeni sohbet başlatıldı, 12 dakika sonra tekrar deneyin.",
    );
    expect(en["error.storage_full"]).toBeTruthy();
    expect(tr["error.storage_full"]).toBeTruthy();
  });
});

describe("a refused handshake, seen by the Socket.IO client", () => {
  let server: LimitedServer;
  beforeAll(async () => {
    server = await startLimitedServer("memory", { VISITOR_HANDSHAKES_PER_MINUTE: "1" });
  });
  afterAll(async () => {
    await server.close();
  });

  it("carries the id and retry time, and the client does not reconnect by itself", async () => {
    const from = uniqueLoopback();
    const token = newVisitorToken();
    // Every transport connection the server accepts, before any middleware (a reconnect makes one).
    let handshakes = 0;
    server.app.io.engine.on("connection", () => {
      handshakes++;
    });
    const first = connect(`${server.url}/visitor`, { auth: { visitorToken: token }, transports: ["websocket"], forceNew: true, localAddress: from } as never);
    await new Promise((resolve) => first.once("connect", resolve as () => void));
    // The widget's own options: reconnection stays on, as in production.
    const second = connect(`${server.url}/visitor`, { auth: { visitorToken: token }, transports: ["websocket"], forceNew: true, localAddress: from } as never);
    try {
      const error = await new Promise<Error>((resolve) => second.once("connect_error", resolve));
      const refusal = refusalOf(error);
      expect(refusal?.id).toBe("too_many_connections");
      expect(refusal?.retryAfterMs).toBeGreaterThan(0);
      expect(second.active).toBe(false);
      // Nothing else tries: a connection made now is the only one after the refusal.
      const before = handshakes;
      const third = connect(`${server.url}/visitor`, { auth: { visitorToken: newVisitorToken() }, transports: ["websocket"], forceNew: true } as never);
      await new Promise((resolve) => third.once("connect", resolve as () => void));
      third.close();
      expect(handshakes).toBe(before + 1);
    } finally {
      first.close();
      second.close();
    }
  });
});
