import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentRow, findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { type CallRow, insertCall } from "../../src/adapters/db/repositories/calls.ts";
import { insertVisitor, type VisitorRow } from "../../src/adapters/db/repositories/chat.ts";
import { insertRecording, markRecordingDeleted, type RecordingRow } from "../../src/adapters/db/repositories/recordings.ts";
import { startSession } from "../../src/domain/auth/sessions.ts";
import { fileLinks } from "../../src/domain/chat/present.ts";
import { linkSignature, mediaSessionToken } from "../../src/domain/signedLinks.ts";
import { MEDIA_COOKIE } from "../../src/http/cookies.ts";
import type { CallHistoryEntry, CallHistoryPage } from "../../src/protocol/callHistory.ts";
import { type TestDatabase, testDatabases } from "../support/databases.ts";
import { addAgent, startTestApp, type TestApp } from "../support/testApp.ts";

// Recent, so the gateway's ring timer (10 minutes here) leaves the queued calls waiting.
const BASE = Date.now() - 5 * 60_000;
const BYTES = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));

describe.each(testDatabases())("call history and recording playback on $name", (database: TestDatabase) => {
  let t: TestApp;
  let dispose: () => Promise<void>;
  let token: string;
  /** The media-session cookie ayşe's browser sends to /recordings: links are bound to her session. */
  let media: { cookie: string };
  let ayse: AgentRow;
  let bora: AgentRow;
  /** Every seeded call, in the order the history must list them (newest first, then id descending). */
  let expected: CallRow[] = [];
  let recorded: CallRow;
  let recordings: RecordingRow[];

  const get = (url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: "GET", url, headers: { authorization: `Bearer ${token}`, ...headers } });
  const page = async (query: string) => {
    const res = await get(`/api/calls?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as CallHistoryPage;
  };
  /** Follows nextCursor to the end, returning every id in the order served. */
  const walk = async (query: string) => {
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const body: CallHistoryPage = await page(`${query}${cursor ? `&before=${encodeURIComponent(cursor)}` : ""}`);
      ids.push(...body.calls.map((c) => c.id));
      cursor = body.nextCursor;
      if (++pages > 50) throw new Error("pagination does not end");
    } while (cursor);
    return { ids, pages };
  };

  beforeAll(async () => {
    const db = await database.open();
    dispose = db.dispose;
    t = await startTestApp({ database: db, env: { CALL_RING_TIMEOUT_S: "600" } });
    const domain = t.deps.domain;
    await addAgent(t.deps, "ayse");
    await addAgent(t.deps, "bora");
    ayse = (await findAgentByUsername(domain.db, "ayse"))!;
    bora = (await findAgentByUsername(domain.db, "bora"))!;
    const session = await startSession(domain, ayse, { ip: null, userAgent: null });
    token = session.accessToken;
    media = { cookie: `${MEDIA_COOKIE}=${mediaSessionToken(domain.keys.mediaSessions, session.sessionId)}` };

    const visitor: VisitorRow = {
      id: randomUUID(), token_hash: randomUUID(), name: "Zeynep", email: null, phone: null, language: null, user_agent: null,
      page_url: null, page_title: null, first_seen_at: BASE, last_seen_at: BASE, metadata: null, external_id: null,
      company: null, notes: null, merged_into: null, merged_at: null,
    };
    await insertVisitor(domain.db, visitor);
    // One live call per visitor and per agent is a rule of the database: each live call gets its own caller and agent.
    await addAgent(t.deps, "cem");
    const liveAgents = [ayse, bora, (await findAgentByUsername(domain.db, "cem"))!];
    const liveCaller = async () => {
      const id = randomUUID();
      await insertVisitor(domain.db, { ...visitor, id, token_hash: randomUUID() });
      return id;
    };
    const statuses: CallRow["status"][] = ["ended", "missed", "rejected", "ended", "active", "queued", "ended"];
    const calls: CallRow[] = [];
    for (let i = 0; i < 23; i++) {
      const status = statuses[i % statuses.length]!;
      const answered = status === "ended" || status === "active";
      const live = status === "active" || status === "queued";
      const agent = status === "active" ? liveAgents.shift()! : answered ? (i % 2 === 0 ? ayse : bora) : null;
      // Pairs share a start time, so the id must break ties for the cursor to be exact.
      const createdAt = BASE + Math.floor(i / 2) * 10_000;
      calls.push({
        id: randomUUID(), visitor_id: live ? await liveCaller() : visitor.id, conversation_id: null, agent_id: agent?.id ?? null, status, media: "audio",
        recording_mode: "audio", created_at: createdAt, answered_at: answered ? createdAt + 5_000 : null,
        ended_at: status === "active" || status === "queued" ? null : createdAt + 65_000,
        duration_ms: status === "ended" ? 60_000 : status === "active" || status === "queued" ? null : 0,
        end_reason: status === "ended" ? "caller_hung_up" : status === "missed" ? "ring_timeout" : status === "rejected" ? `rejected_by:${bora.id}` : null,
        mix_status: null, consent_mode: null, consent_at: null, consent_version: null, inbox_id: "default",
      });
    }
    // The recorded calls carry the caller's consent, as the server stores it when they call.
    for (const call of calls) if (call.status === "ended") Object.assign(call, { consent_mode: "audio", consent_at: call.created_at - 1_000, consent_version: "2026-12-02" });
    for (const call of calls) await insertCall(domain.db, call);
    expected = [...calls].sort((a, b) => b.created_at - a.created_at || (a.id < b.id ? 1 : -1));

    recorded = calls.find((c) => c.status === "ended")!;
    recordings = (["caller", "agent", "mixed"] as const).map((role, i) => ({
      id: randomUUID(), call_id: recorded.id, role, storage_key: `recordings/${randomBytes(18).toString("base64url")}.webm`,
      mime: "audio/webm", size: BYTES.length, duration_ms: 60_000 + i, created_at: recorded.created_at + 5_000, deleted_at: null, segment: 0,
    }));
    for (const row of recordings) {
      await domain.storage.put(row.storage_key, BYTES);
      await insertRecording(domain.db, row);
    }
  });
  afterAll(async () => {
    await t.close();
    await dispose();
  });

  const recordingOf = async (role: RecordingRow["role"]) => {
    const res = await get(`/api/calls/${recorded.id}`);
    expect(res.statusCode, res.body).toBe(200);
    const call = (res.json() as { call: CallHistoryEntry }).call;
    const found = call.recordings.find((r) => r.role === role);
    if (!found) throw new Error(`no ${role} recording`);
    return found;
  };

  it("walks every call exactly once, newest first, page by page", async () => {
    const { ids, pages } = await walk("limit=5");
    expect(ids).toEqual(expected.map((c) => c.id));
    expect(new Set(ids).size).toBe(23);
    expect(pages).toBe(5);
    const first = await page("");
    expect(first.calls).toHaveLength(23); // default limit 25
    expect(first.nextCursor).toBeNull();
  });

  it("presents each call like the live call views, with its recordings", async () => {
    const { calls } = await page("limit=100");
    const entry = calls.find((c) => c.id === recorded.id)!;
    expect(entry).toMatchObject({
      status: "ended",
      media: "audio",
      recording: "audio",
      visitor: { name: "Zeynep" },
      agent: { id: recorded.agent_id, name: recorded.agent_id === ayse.id ? "Agent ayse" : "Agent bora" },
      createdAt: new Date(recorded.created_at).toISOString(),
      durationMs: 60_000,
      endReason: "caller_hung_up",
    });
    expect(entry.recordings.map((r) => r.role).sort()).toEqual(["agent", "caller", "mixed"]);
    expect(entry.recordings[0]).toMatchObject({ mime: "audio/webm", size: 1000 });
    expect(entry.recordings[0]!.url).toMatch(/^\/recordings\/[\w-]+\?exp=\d+&ses=[\w-]+&sig=[\w-]+$/);
    expect(calls.filter((c) => c.id !== recorded.id).every((c) => c.recordings.length === 0)).toBe(true);
    const missed = calls.find((c) => c.status === "missed")!;
    expect(missed).toMatchObject({ agent: null, endReason: "ring_timeout", durationMs: 0 });
  });

  it("filters by status and by agent, and pages through a filter", async () => {
    for (const status of ["queued", "active", "ended", "missed", "rejected"] as const) {
      const { ids } = await walk(`status=${status}&limit=2`);
      expect(ids, status).toEqual(expected.filter((c) => c.status === status).map((c) => c.id));
    }
    const byBora = await walk(`agentId=${bora.id}&limit=3`);
    expect(byBora.ids).toEqual(expected.filter((c) => c.agent_id === bora.id).map((c) => c.id));
    expect(byBora.ids.length).toBeGreaterThan(3);
    const both = await walk(`agentId=${ayse.id}&status=ended&limit=2`);
    expect(both.ids).toEqual(expected.filter((c) => c.agent_id === ayse.id && c.status === "ended").map((c) => c.id));
    expect((await page(`agentId=${randomUUID()}`)).calls).toEqual([]);
  });

  it("returns one call by id, and 404 with an error id for an unknown one", async () => {
    const res = await get(`/api/calls/${recorded.id}`);
    expect(res.json().call).toMatchObject({
      id: recorded.id,
      recordings: expect.any(Array),
      consent: { mode: "audio", version: "2026-12-02", at: new Date(recorded.created_at - 1_000).toISOString() },
    });
    const unrecorded = expected.find((c) => c.status === "missed")!;
    expect((await get(`/api/calls/${unrecorded.id}`)).json().call.consent).toBeNull();
    const missing = await get(`/api/calls/${randomUUID()}`);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toMatchObject({ id: "call_not_found" });
  });

  it("needs a signed-in agent", async () => {
    for (const url of ["/api/calls", `/api/calls/${recorded.id}`]) {
      const res = await t.app.inject({ method: "GET", url });
      expect(res.statusCode, url).toBe(401);
      expect(res.json().error.id).toBe("unauthenticated");
      const bad = await t.app.inject({ method: "GET", url, headers: { authorization: "Bearer nonsense" } });
      expect(bad.statusCode, url).toBe(401);
    }
  });

  it("answers a malformed query with 400 and an error id", async () => {
    for (const query of ["limit=0", "limit=101", "limit=ten", "status=ringing", "status=bogus", "agentId=nope", `before=${"x".repeat(300)}`]) {
      const res = await get(`/api/calls?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.id, query).toBe("invalid_request");
    }
    for (const before of ["garbage", Buffer.from('["x", 1]').toString("base64url")]) {
      const res = await get(`/api/calls?before=${before}`);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.id).toBe("invalid_cursor");
    }
    expect((await get("/api/calls/not-a-uuid")).json().error.id).toBe("invalid_request");
  });

  it("plays a recording through its signed link: bytes, safe headers and byte ranges", async () => {
    const { url } = await recordingOf("caller");
    const stamp = new Date(recorded.created_at + 5_000).toISOString();
    const fileName = `call-${stamp.slice(0, 10)}-${stamp.slice(11, 13)}${stamp.slice(14, 16)}-caller.webm`;
    const whole = await t.app.inject({ method: "GET", url, headers: media }); // no Bearer: the link and the session cookie are the grant
    expect(whole.statusCode).toBe(200);
    expect(whole.rawPayload.equals(BYTES)).toBe(true);
    expect(whole.headers).toMatchObject({
      "content-type": "audio/webm",
      "content-length": "1000",
      "accept-ranges": "bytes",
      "x-content-type-options": "nosniff",
      "content-disposition": `inline; filename="${fileName}"; filename*=UTF-8''${fileName}`,
    });
    expect(whole.headers["content-security-policy"]).toMatch(/default-src 'none'.*sandbox/);

    const part = await t.app.inject({ method: "GET", url, headers: { ...media, range: "bytes=100-199" } });
    expect(part.statusCode).toBe(206);
    expect(part.headers["content-range"]).toBe("bytes 100-199/1000");
    expect(part.headers["content-length"]).toBe("100");
    expect(part.rawPayload.equals(BYTES.subarray(100, 200))).toBe(true);

    const open = await t.app.inject({ method: "GET", url, headers: { ...media, range: "bytes=900-" } });
    expect(open.headers["content-range"]).toBe("bytes 900-999/1000");
    const suffix = await t.app.inject({ method: "GET", url, headers: { ...media, range: "bytes=-10" } });
    expect(suffix.rawPayload.equals(BYTES.subarray(990))).toBe(true);
    const outside = await t.app.inject({ method: "GET", url, headers: { ...media, range: "bytes=5000-" } });
    expect(outside.statusCode).toBe(416);
    expect(outside.headers["content-range"]).toBe("bytes */1000");
  });

  it("refuses tampered and expired links", async () => {
    const { url } = await recordingOf("agent");
    const tampered = url.replace(/sig=([\w-])/, (_m, c: string) => `sig=${c === "A" ? "B" : "A"}`);
    const res = await t.app.inject({ method: "GET", url: tampered, headers: media });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.id).toBe("recording_not_found");
    const longer = url.replace(/exp=(\d+)/, (_m, exp: string) => `exp=${Number(exp) + 3600}`);
    expect((await t.app.inject({ method: "GET", url: longer, headers: media })).statusCode).toBe(404);
    t.clock.advance(2 * 60 * 60 * 1000);
    try {
      const expired = await t.app.inject({ method: "GET", url, headers: media });
      expect(expired.statusCode).toBe(404);
      expect(expired.json().error.id).toBe("recording_not_found");
    } finally {
      t.clock.advance(-2 * 60 * 60 * 1000);
    }
    expect((await t.app.inject({ method: "GET", url: `${url.split("?")[0]}?exp=1&sig=short`, headers: media })).statusCode).toBe(400);
  });

  it("does not open a recording with an attachment signature, or an attachment path with a recording link", async () => {
    const { id, url } = await recordingOf("mixed");
    const exp = Math.floor(t.clock.now() / 1000) + 600;
    const attachmentSig = linkSignature(fileLinks(t.deps.domain), id, exp);
    const res = await t.app.inject({ method: "GET", url: `/recordings/${id}?exp=${exp}&sig=${attachmentSig}`, headers: media });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.id).toBe("recording_not_found");
    const asFile = await t.app.inject({ method: "GET", url: url.replace("/recordings/", "/files/"), headers: media });
    expect(asFile.statusCode).toBe(404);
    expect(asFile.json().error.id).toBe("file_not_found");
  });

  it("hides deleted recordings from the history and their links", async () => {
    const { id, url } = await recordingOf("mixed");
    expect((await t.app.inject({ method: "GET", url, headers: media })).statusCode).toBe(200);
    await markRecordingDeleted(t.deps.domain.db, id, t.clock.now());
    try {
      const gone = await t.app.inject({ method: "GET", url, headers: media });
      expect(gone.statusCode).toBe(404);
      expect(gone.json().error.id).toBe("recording_not_found");
      const call = (await get(`/api/calls/${recorded.id}`)).json().call as CallHistoryEntry;
      expect(call.recordings.map((r) => r.role).sort()).toEqual(["agent", "caller"]);
    } finally {
      await t.deps.domain.db.updateTable("recordings").set({ deleted_at: null }).where("id", "=", id).execute();
    }
  });

  it("answers 404, not 500, when the bytes are gone from storage", async () => {
    const { url } = await recordingOf("agent");
    const row = recordings.find((r) => r.role === "agent")!;
    await t.deps.domain.storage.delete(row.storage_key);
    try {
      const res = await t.app.inject({ method: "GET", url, headers: media });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.id).toBe("recording_not_found");
    } finally {
      await t.deps.domain.storage.put(row.storage_key, BYTES);
    }
  });
});
