import { randomBytes, randomUUID } from "node:crypto";
import type { LightMyRequestResponse } from "fastify";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import type { AgentView } from "../../src/domain/agents.ts";
import { startSession } from "../../src/domain/auth/sessions.ts";
import { signedRecordingUrl } from "../../src/domain/calls/recordingLinks.ts";
import { mediaSessionToken } from "../../src/domain/signedLinks.ts";
import { MEDIA_COOKIE } from "../../src/http/cookies.ts";
import { insertCall } from "../../src/adapters/db/repositories/calls.ts";
import { insertAttachment, insertConversation, insertVisitor } from "../../src/adapters/db/repositories/chat.ts";
import { insertRecording } from "../../src/adapters/db/repositories/recordings.ts";
import { signedFileUrl } from "../../src/domain/chat/present.ts";
import type { AccessLogEntry, AccessLogPage } from "../../src/protocol/accessLog.ts";
import type { CallHistoryEntry } from "../../src/protocol/callHistory.ts";
import { openSqlite, type TestDatabase, testDatabases } from "../support/databases.ts";
import { FakeTelegram } from "../support/fakeTelegram.ts";
import { addAgent, CookieJar, codeFrom, PASSWORD, startTestApp, type TestApp } from "../support/testApp.ts";

// The access log through HTTP, as a browser drives it: agents sign in (which sets the media-session
// cookie), get recording links from the call history and play them with byte ranges; links are
// bound to the session they were handed to; admins read the log and export it as CSV.

const BYTES = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
const PHONE = "Mozilla/5.0 (iPhone) destek-test";

interface SignedIn {
  agent: AgentView;
  chatId: string;
  jar: CookieJar;
  accessToken: string;
  csrfToken: string;
  /** The Set-Cookie headers of the sign-in answer. */
  setCookies: string[];
}

describe.each(testDatabases())("the access log of recordings and attachments on $name", (database: TestDatabase) => {
  let telegram: FakeTelegram;
  let t: TestApp;
  let dispose: () => Promise<void>;
  let chat = 9100;
  let ayse: SignedIn;
  let bora: SignedIn;
  let admin: SignedIn;
  const callId = randomUUID();
  const conversationId = randomUUID();
  const recordingId = randomUUID();
  const imageId = randomUUID();
  const documentId = randomUUID();
  /** Before the first play. */
  let startedAt: string;

  /** Signs an agent in as the console does: password, Telegram code; the browser keeps the cookies. */
  async function signIn(agent: AgentView, chatId: string, address: string): Promise<SignedIn> {
    const login = await t.app.inject({ method: "POST", url: "/api/auth/login", payload: { username: agent.username, password: PASSWORD }, remoteAddress: address });
    expect(login.statusCode, login.body).toBe(200);
    const code = codeFrom(telegram.sent.findLast((m) => String(m.chat_id) === chatId)?.text);
    const res = await t.app.inject({ method: "POST", url: "/api/auth/verify", payload: { ticket: login.json().ticket, code }, remoteAddress: address });
    expect(res.statusCode, res.body).toBe(200);
    const jar = new CookieJar();
    jar.take(res);
    const body = res.json<{ accessToken: string; csrfToken: string }>();
    return { agent, chatId, jar, ...body, setCookies: [res.headers["set-cookie"]].flat().map(String) };
  }
  async function newAgent(username: string, options: { admin?: boolean } = {}) {
    const chatId = String(++chat);
    const agent = await addAgent(t.deps, username, { telegramChatId: chatId, ...options });
    return signIn(agent, chatId, `10.7.0.${chat % 250}`);
  }
  /** The recording link the console gets for this agent's session. */
  async function recordingLink(who: SignedIn): Promise<string> {
    const res = await t.app.inject({ method: "GET", url: `/api/calls/${callId}`, headers: { authorization: `Bearer ${who.accessToken}` } });
    expect(res.statusCode, res.body).toBe(200);
    const url = res.json<{ call: CallHistoryEntry }>().call.recordings.find((r) => r.id === recordingId)?.url;
    if (!url) throw new Error("the call came without its recording");
    return url;
  }
  /** A GET of a media path as a browser sends it: the jar's cookies (or none), from an address; a second apart, so entries sort. */
  const fetchMedia = (url: string, who: SignedIn | null, headers: Record<string, string> = {}) => {
    t.clock.advance(1000);
    return t.app.inject({ method: "GET", url, headers: { ...(who ? { cookie: who.jar.header() } : {}), "user-agent": PHONE, ...headers }, remoteAddress: "192.0.2.44" });
  };
  const errorId = (res: LightMyRequestResponse) => res.json<{ error: { id: string } }>().error.id;
  const asAdmin = (url: string, who: SignedIn = admin) => t.app.inject({ method: "GET", url, headers: { authorization: `Bearer ${who.accessToken}` } });
  async function logOf(query: string): Promise<AccessLogPage> {
    const res = await asAdmin(`/api/access-log?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<AccessLogPage>();
  }
  const entriesFor = async (itemId: string) => (await logOf("limit=100")).entries.filter((e) => e.itemId === itemId);

  beforeAll(async () => {
    telegram = await new FakeTelegram().start();
    const db = await database.open();
    dispose = db.dispose;
    t = await startTestApp({ database: db, telegram });
    ayse = await newAgent("ayse");
    bora = await newAgent("bora");
    admin = await newAgent("yonetici", { admin: true });

    const domain = t.deps.domain;
    const now = t.clock.now();
    startedAt = new Date(now + 1).toISOString();
    const visitorId = randomUUID();
    await insertVisitor(domain.db, {
      id: visitorId, token_hash: randomUUID(), name: "Zeynep", email: null, phone: null, language: null, user_agent: null,
      page_url: null, page_title: null, first_seen_at: now, last_seen_at: now, metadata: null,
    });
    await insertConversation(domain.db, {
      id: conversationId, visitor_id: visitorId, status: "open", assignee_id: null, page_url: null, last_seq: 0, last_message_at: now,
      last_message_preview: null, last_message_author: null, visitor_delivered_seq: 0, visitor_read_seq: 0, agent_delivered_seq: 0,
      agent_read_seq: 0, unread_for_agents: 0, created_at: now, updated_at: now, resolved_at: null, email_notified_seq: 0, inbox_id: "default",
    });
    await insertCall(domain.db, {
      id: callId, visitor_id: visitorId, conversation_id: conversationId, agent_id: ayse.agent.id, status: "ended", media: "audio",
      recording_mode: "audio", created_at: now - 120_000, answered_at: now - 115_000, ended_at: now - 55_000, duration_ms: 60_000,
      end_reason: "caller_hung_up", mix_status: null, consent_mode: "audio", consent_at: now - 121_000, consent_version: "2026-12-02", inbox_id: "default",
    });
    const recordingKey = `recordings/${randomBytes(18).toString("base64url")}.webm`;
    await domain.storage.put(recordingKey, BYTES);
    await insertRecording(domain.db, {
      id: recordingId, call_id: callId, role: "mixed", storage_key: recordingKey, mime: "audio/webm", size: BYTES.length,
      duration_ms: 60_000, created_at: now - 50_000, deleted_at: null, segment: 0,
    });
    for (const [id, kind, mime, name] of [[imageId, "image", "image/png", "photo.png"], [documentId, "file", "application/pdf", "invoice.pdf"]] as const) {
      const key = `attachments/${randomBytes(18).toString("base64url")}`;
      await domain.storage.put(key, BYTES);
      await insertAttachment(domain.db, {
        id, conversation_id: conversationId, message_id: null, kind, mime, size: BYTES.length, storage_key: key, file_name: name,
        width: null, height: null, duration_ms: null, uploaded_by: `visitor:${visitorId}`, created_at: now, deleted_at: null,
      });
    }
  });
  afterAll(async () => {
    await t?.close();
    await telegram?.stop();
    await dispose?.();
  });

  it("sets the media-session cookie for the media paths at sign-in: HttpOnly, SameSite=Strict", () => {
    const media = ayse.setCookies.filter((c) => c.startsWith("destek_media="));
    expect(media.map((c) => c.match(/Path=([^;]+)/)?.[1]).sort()).toEqual(["/files", "/recordings"]);
    for (const cookie of media) {
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Strict/i);
    }
  });

  it("logs one entry per play (a full GET, or a player's range requests from byte 0) with who, what and where", async () => {
    const url = await recordingLink(ayse);
    expect(url).toMatch(/^\/recordings\/[\w-]+\?exp=\d+&ses=[\w-]+&sig=[\w-]+$/);
    const before = (await entriesFor(recordingId)).length;

    const whole = await fetchMedia(url, ayse);
    expect(whole.statusCode, whole.body).toBe(200);
    expect(whole.rawPayload.equals(BYTES)).toBe(true);
    expect(await entriesFor(recordingId)).toHaveLength(before + 1);

    // A HEAD (the console checks a link before a download) sends no bytes: no play.
    const head = await t.app.inject({ method: "HEAD", url, headers: { cookie: ayse.jar.header() } });
    expect(head.statusCode).toBe(200);
    expect(await entriesFor(recordingId)).toHaveLength(before + 1);

    // What an <audio> element does: a request from byte 0, then seeks and buffering further on.
    const first = await fetchMedia(url, ayse, { range: "bytes=0-" });
    expect(first.statusCode).toBe(206);
    for (const range of ["bytes=500-", "bytes=100-199", "bytes=-10"]) expect((await fetchMedia(url, ayse, { range })).statusCode).toBe(206);
    const entries = await entriesFor(recordingId);
    expect(entries).toHaveLength(before + 2);
    expect(entries[0]).toMatchObject({
      agent: { id: ayse.agent.id, name: "Agent ayse" },
      kind: "recording",
      itemId: recordingId,
      callId,
      conversationId,
      action: "play",
      ip: "192.0.2.44",
      userAgent: PHONE,
    } satisfies Partial<AccessLogEntry>);
  });

  it("logs a download (download=1 answers as an attachment), from the peer's address: X-Forwarded-For is not believed without TRUST_PROXY", async () => {
    const url = await recordingLink(ayse);
    const res = await fetchMedia(`${url}&download=1`, ayse, { "x-forwarded-for": "6.6.6.6" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-disposition"]).toMatch(/^attachment; filename="call-.*-mixed\.webm"/);
    const [latest] = await entriesFor(recordingId);
    expect(latest).toMatchObject({ agent: { id: ayse.agent.id }, action: "download", ip: "192.0.2.44" });
  });

  it("refuses a link replayed from another agent's session, another session of the same agent, or none; nothing is logged", async () => {
    const url = await recordingLink(ayse);
    const before = (await entriesFor(recordingId)).length;
    const otherAgent = await fetchMedia(url, bora);
    expect(otherAgent.statusCode).toBe(403);
    expect(errorId(otherAgent)).toBe("link_not_yours");
    const noCookie = await fetchMedia(url, null);
    expect(noCookie.statusCode).toBe(403);
    expect(errorId(noCookie)).toBe("link_not_yours");
    const forged = await fetchMedia(url, null, { cookie: `destek_media=${randomUUID()}.${"A".repeat(43)}` });
    expect(errorId(forged)).toBe("link_not_yours");
    const secondDevice = await signIn(ayse.agent, ayse.chatId, "10.7.9.9");
    const sameAgent = await fetchMedia(url, secondDevice);
    expect(sameAgent.statusCode).toBe(403);
    expect(errorId(sameAgent)).toBe("link_not_yours");
    // Bora's own link plays for bora.
    expect((await fetchMedia(await recordingLink(bora), bora)).statusCode).toBe(200);
    const after = await entriesFor(recordingId);
    expect(after).toHaveLength(before + 1);
    expect(after[0]!.agent.id).toBe(bora.agent.id);
  });

  it("refuses the link of a session that has ended, even with its cookie kept", async () => {
    const device = await signIn(ayse.agent, ayse.chatId, "10.7.9.10");
    const url = await recordingLink(device);
    expect((await fetchMedia(url, device)).statusCode).toBe(200);
    const kept = device.jar.header();
    const out = await t.app.inject({ method: "POST", url: "/api/auth/logout", payload: {}, headers: { cookie: kept, "x-csrf-token": device.csrfToken } });
    expect(out.statusCode).toBe(204);
    const cleared = [out.headers["set-cookie"]].flat().map(String).filter((c) => c.startsWith("destek_media="));
    expect(cleared.map((c) => c.match(/Path=([^;]+)/)?.[1]).sort()).toEqual(["/files", "/recordings"]);
    const replay = await fetchMedia(url, null, { cookie: kept });
    expect(replay.statusCode).toBe(403);
    expect(errorId(replay)).toBe("session_ended");
  });

  it("still answers a forged or expired link with 404, as before", async () => {
    const url = await recordingLink(ayse);
    const tampered = url.replace(/sig=([\w-])/, (_m, c: string) => `sig=${c === "A" ? "B" : "A"}`);
    expect(errorId(await fetchMedia(tampered, ayse))).toBe("recording_not_found");
    const unbound = url.replace(/&ses=[\w-]+/, "");
    expect(errorId(await fetchMedia(unbound, ayse))).toBe("recording_not_found");
  });

  it("logs an agent's opens of attachments (view or download), not a visitor's", async () => {
    const image = signedFileUrl(t.deps.domain, imageId);
    const document = signedFileUrl(t.deps.domain, documentId);
    expect((await fetchMedia(image, null)).statusCode).toBe(200);
    expect((await fetchMedia(document, null)).statusCode).toBe(200);
    expect(await entriesFor(imageId)).toEqual([]);
    expect(await entriesFor(documentId)).toEqual([]);

    expect((await fetchMedia(image, bora)).statusCode).toBe(200);
    expect((await fetchMedia(document, bora)).statusCode).toBe(200);
    expect((await fetchMedia(`${image}&download=1`, bora)).headers["content-disposition"]).toMatch(/^attachment;/);
    const images = await entriesFor(imageId);
    expect(images.map((e) => e.action)).toEqual(["download", "play"]);
    expect(images[1]).toMatchObject({ agent: { id: bora.agent.id, name: "Agent bora" }, kind: "attachment", callId: null, conversationId, ip: "192.0.2.44" });
    expect((await entriesFor(documentId)).map((e) => e.action)).toEqual(["download"]);
  });

  it("lets admins read the log per call, per agent, per conversation and by period, page by page", async () => {
    const all = (await logOf("limit=100")).entries;
    expect(all.length).toBeGreaterThanOrEqual(8);
    const byCall = (await logOf(`callId=${callId}&limit=100`)).entries;
    expect(byCall.length).toBeGreaterThan(0);
    expect(byCall.every((e) => e.callId === callId && e.kind === "recording")).toBe(true);
    const byBora = (await logOf(`agentId=${bora.agent.id}&limit=100`)).entries;
    expect(byBora.map((e) => e.id)).toEqual(all.filter((e) => e.agent.id === bora.agent.id).map((e) => e.id));
    expect((await logOf(`conversationId=${conversationId}&limit=100`)).entries).toHaveLength(all.length);
    expect((await logOf(`callId=${randomUUID()}`)).entries).toEqual([]);

    // A period: nothing before the first play, everything from it on; the latest second alone.
    expect((await logOf(`to=${encodeURIComponent(startedAt)}`)).entries).toEqual([]);
    expect((await logOf(`from=${encodeURIComponent(startedAt)}&limit=100`)).entries).toHaveLength(all.length);
    const latest = all[0]!.at;
    expect((await logOf(`from=${encodeURIComponent(latest)}`)).entries.map((e) => e.id)).toEqual([all[0]!.id]);
    expect((await logOf(`to=${encodeURIComponent(latest)}&limit=100`)).entries).toHaveLength(all.length - 1);
    const bad = await asAdmin(`/api/access-log?from=${encodeURIComponent(latest)}&to=${encodeURIComponent(startedAt)}`);
    expect(bad.statusCode).toBe(400);
    expect(errorId(bad)).toBe("invalid_range");

    // Page by page: every entry once, in the same order.
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page: AccessLogPage = await logOf(`limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      ids.push(...page.entries.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(ids).toEqual(all.map((e) => e.id));
  });

  it("exports the log as CSV: quoted, formula-safe, filtered like the page", async () => {
    const url = await recordingLink(bora);
    expect((await fetchMedia(url, bora, { "user-agent": '=HYPERLINK("http://evil.example","x")' })).statusCode).toBe(200);
    const res = await asAdmin(`/api/access-log/export?agentId=${bora.agent.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(res.headers["content-disposition"]).toMatch(/^attachment; filename="access-log-\d{4}-\d\d-\d\d\.csv"/);
    const lines = res.body.split("\r\n");
    expect(lines[0]).toBe('"time","agent_id","agent_name","action","kind","item_id","call_id","conversation_id","ip","user_agent"');
    expect(lines.at(-1)).toBe("");
    const rows = lines.slice(1, -1);
    const entries = (await logOf(`agentId=${bora.agent.id}&limit=100`)).entries;
    expect(rows).toHaveLength(entries.length);
    expect(rows.every((line) => line.includes(`"${bora.agent.id}","Agent bora"`))).toBe(true);
    expect(rows[0]).toBe(
      `"${entries[0]!.at}","${bora.agent.id}","Agent bora","play","recording","${recordingId}","${callId}","${conversationId}","192.0.2.44","'=HYPERLINK(""http://evil.example"",""x"")"`,
    );
    const byCall = await asAdmin(`/api/access-log/export?callId=${randomUUID()}`);
    expect(byCall.body.split("\r\n")).toHaveLength(2);
  });

  it("is for admins only", async () => {
    for (const url of ["/api/access-log", "/api/access-log/export"]) {
      expect((await asAdmin(url, ayse)).statusCode).toBe(403);
      expect((await t.app.inject({ method: "GET", url })).statusCode).toBe(401);
    }
  });
});

describe("the access log behind a proxy (TRUST_PROXY=true)", () => {
  it("records the client address the proxy forwarded, and serves nothing it cannot log", async () => {
    const db = await openSqlite();
    const t = await startTestApp({ database: db, env: { TRUST_PROXY: "true" } });
    try {
      const domain = t.deps.domain;
      const agent = (await findAgentByUsername(domain.db, (await addAgent(t.deps, "pinar")).username))!;
      const session = await startSession(domain, agent, { ip: null, userAgent: null });
      const now = t.clock.now();
      const visitorId = randomUUID();
      await insertVisitor(domain.db, {
        id: visitorId, token_hash: randomUUID(), name: "Zeynep", email: null, phone: null, language: null, user_agent: null,
        page_url: null, page_title: null, first_seen_at: now, last_seen_at: now, metadata: null,
      });
      const callId = randomUUID();
      await insertCall(domain.db, {
        id: callId, visitor_id: visitorId, conversation_id: null, agent_id: agent.id, status: "ended", media: "audio", recording_mode: "audio",
        created_at: now - 60_000, answered_at: now - 55_000, ended_at: now - 5_000, duration_ms: 50_000, end_reason: "caller_hung_up",
        mix_status: null, consent_mode: "audio", consent_at: now - 61_000, consent_version: "2026-12-02", inbox_id: "default",
      });
      const recordingId = randomUUID();
      const key = `recordings/${randomBytes(18).toString("base64url")}.webm`;
      await domain.storage.put(key, BYTES);
      await insertRecording(domain.db, {
        id: recordingId, call_id: callId, role: "mixed", storage_key: key, mime: "audio/webm", size: BYTES.length, duration_ms: 50_000,
        created_at: now - 4_000, deleted_at: null, segment: 0,
      });
      const url = signedRecordingUrl(domain, recordingId, session.sessionId);
      const res = await t.app.inject({
        method: "GET",
        url,
        headers: { cookie: `${MEDIA_COOKIE}=${mediaSessionToken(domain.keys.mediaSessions, session.sessionId)}`, "x-forwarded-for": "6.6.6.6, 198.51.100.7" },
        remoteAddress: "10.0.0.2",
      });
      expect(res.statusCode, res.body).toBe(200);
      const rows = await domain.db.selectFrom("access_log").selectAll().where("item_id", "=", recordingId).execute();
      expect(rows.map((r) => [r.agent_id, r.ip, r.action])).toEqual([[agent.id, "198.51.100.7", "play"]]);

      // Fail closed: when the entry cannot be written, nothing is served (and no media headers go out).
      await sql`alter table access_log rename to access_log_away`.execute(domain.db);
      const unlogged = await t.app.inject({ method: "GET", url, headers: { cookie: `${MEDIA_COOKIE}=${mediaSessionToken(domain.keys.mediaSessions, session.sessionId)}` } });
      expect(unlogged.statusCode).toBeGreaterThanOrEqual(500);
      expect(unlogged.headers["content-type"]).toMatch(/^application\/json/);
      expect(unlogged.headers["content-disposition"]).toBeUndefined();
      expect(unlogged.rawPayload.equals(BYTES)).toBe(false);
    } finally {
      await t.close();
      await db.dispose();
    }
  });
});
