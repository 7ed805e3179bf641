import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { indexAllNotedMessages } from "../../src/adapters/db/repositories/searchIndex.ts";
import type { DatabaseHandle } from "../../src/adapters/db/database.ts";
import { insertCall } from "../../src/adapters/db/repositories/calls.ts";
import { type ConversationRow, insertAttachment, insertConversation, insertMessage, insertVisitor } from "../../src/adapters/db/repositories/chat.ts";
import { claimJobRun } from "../../src/adapters/db/repositories/jobRuns.ts";
import { RETENTION_EVERY_MS, runRetentionOnce } from "../../src/adapters/privacy/retentionJob.ts";
import { loadConfig } from "../../src/config.ts";
import { type AppDeps, createDeps } from "../../src/deps.ts";
import { storeRecording } from "../../src/domain/calls/recordings.ts";
import { attachmentForSignedUrl } from "../../src/domain/chat/attachments.ts";
import { presentAttachment, signedFileUrl } from "../../src/domain/chat/present.ts";
import type { Clock } from "../../src/domain/ports.ts";
import { exportPerson } from "../../src/domain/privacy/exportPerson.ts";
import { applyRetention } from "../../src/domain/privacy/retention.ts";
import { testDatabases } from "../support/databases.ts";
import { saveSettingsDirectly } from "../support/installSettings.ts";
import { capturedLog } from "../support/logCapture.ts";
import { startTestApp } from "../support/testApp.ts";

// Retention (issue 10): what is due goes on the right local day in the install's time zone
// (Europe/Istanbul, UTC+3 all year), nothing else, and one node runs each hourly run. Both engines.

/** A clock that says exactly what the test sets. */
class FixedClock implements Clock {
  at = 0;
  now(): number {
    return this.at;
  }
}

/** An Istanbul wall-clock time as an instant. */
const istanbul = (local: string) => Date.parse(`${local}:00+03:00`);
const MINUTE = 60_000;
const parse = (details: unknown) => (typeof details === "string" ? JSON.parse(details) : details) as Record<string, unknown>;

describe.each(testDatabases())("retention on $name", (database) => {
  let handle: DatabaseHandle & { dispose(): Promise<void> };
  let deps: AppDeps;
  const clock = new FixedClock();
  const db = () => deps.domain.db;

  beforeAll(async () => {
    handle = await database.open();
    const config = loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), "destek-retention-")), TIMEZONE: "Europe/Istanbul" });
    deps = createDeps(config, { database: handle, clock, log: pino({ level: "silent" }) });
  });
  afterAll(() => handle?.dispose());

  async function visitor() {
    const id = randomUUID();
    await insertVisitor(db(), {
      id, token_hash: randomUUID(), name: "Ayşe Yılmaz", email: null, phone: null, language: null, user_agent: null,
      page_url: null, page_title: null, first_seen_at: 0, last_seen_at: 0, metadata: null,
    });
    return id;
  }

  /** A conversation with one message (which is indexed for search), a note, a Telegram post and a rating), resolved or open. */
  async function conversation(input: { status: ConversationRow["status"]; resolvedAt: number | null; writtenAt: number; words: string }) {
    const visitorId = await visitor();
    const id = randomUUID();
    await insertConversation(db(), {
      id, visitor_id: visitorId, status: input.status, assignee_id: null, page_url: "https://shop.example/order", last_seq: 1,
      last_message_at: input.writtenAt, last_message_preview: input.words, last_message_author: "visitor", visitor_delivered_seq: 0, visitor_read_seq: 0,
      agent_delivered_seq: 0, agent_read_seq: 0, unread_for_agents: 0, created_at: input.writtenAt, updated_at: input.writtenAt,
      resolved_at: input.resolvedAt, email_notified_seq: 0, inbox_id: "default",
    });
    const messageId = await message(id, visitorId, input.writtenAt, input.words, 1);
    await db().insertInto("conversation_events").values({ id: randomUUID(), conversation_id: id, kind: "note", actor_type: "agent", actor_id: null, body: `not: ${input.words}`, data: null, created_at: input.writtenAt }).execute();
    await db().insertInto("conversation_events").values({ id: randomUUID(), conversation_id: id, kind: "rated", actor_type: "visitor", actor_id: null, body: "çok iyi", data: JSON.stringify({ score: 5 }), created_at: input.writtenAt }).execute();
    await db().insertInto("conversation_ratings").values({ conversation_id: id, visitor_id: visitorId, score: 5, comment: "çok iyi", created_at: input.writtenAt, updated_at: input.writtenAt }).execute();
    await db().insertInto("telegram_messages").values({ chat_id: "-100777", message_id: Math.floor(Math.random() * 1e9), conversation_id: id, call_id: null, created_at: input.writtenAt }).execute();
    return { id, visitorId, messageId };
  }

  async function message(conversationId: string, visitorId: string, at: number, body: string, seq: number) {
    const id = randomUUID();
    await insertMessage(db(), { id, conversation_id: conversationId, seq, client_id: randomUUID(), author_type: "visitor", author_id: visitorId, body, via: "widget", created_at: at });
    return id;
  }

  /** A stored file, sent in a message (or an upload not sent yet when messageId is null). */
  async function attachment(conversationId: string, messageId: string | null, at: number) {
    const row = {
      id: randomUUID(), conversation_id: messageId ? conversationId : null, message_id: messageId, kind: "file" as const, mime: "text/plain", size: 5,
      storage_key: `attachments/${randomUUID()}.txt`, file_name: "fatura-ayse.txt", width: null, height: null, duration_ms: null,
      uploaded_by: "visitor:x", created_at: at, deleted_at: null,
    };
    await deps.domain.storage.put(row.storage_key, Buffer.from("hello"));
    await insertAttachment(db(), row);
    return row;
  }

  const stored = (key: string) => deps.domain.storage.size(key).then(() => true, () => false);
  const messagesOf = (id: string) => db().selectFrom("messages").select("id").where("conversation_id", "=", id).execute();
  const retentionAudits = () => db().selectFrom("audit_log").selectAll().where("action", "=", "retention.applied").orderBy("at").execute();

  it("empties a conversation on the N-th local day after its resolve, from local midnight, and nothing else", async () => {
    await saveSettingsDirectly(deps.domain, { conversationRetentionDays: 3, attachmentRetentionDays: null, recordingRetentionDays: null });
    // 23:30 and 00:30 in Istanbul are the same UTC day (20:30Z and 21:30Z on 10 March): the local day decides.
    const lateEvening = await conversation({ status: "resolved", resolvedAt: istanbul("2026-03-10T23:30"), writtenAt: istanbul("2026-03-10T23:00"), words: "kargom nerede" });
    const file = await attachment(lateEvening.id, lateEvening.messageId, istanbul("2026-03-10T23:00"));
    const afterMidnight = await conversation({ status: "resolved", resolvedAt: istanbul("2026-03-11T00:30"), writtenAt: istanbul("2026-03-11T00:10"), words: "iade istiyorum" });
    const open = await conversation({ status: "open", resolvedAt: null, writtenAt: istanbul("2026-01-01T10:00"), words: "hala açık" });
    // Resolved long ago, then the visitor wrote again: open now, so kept whatever its old resolve time.
    const reopened = await conversation({ status: "open", resolvedAt: istanbul("2026-01-02T10:00"), writtenAt: istanbul("2026-01-02T09:00"), words: "yeniden açıldı" });
    const before = (await retentionAudits()).length;

    clock.at = istanbul("2026-03-13T00:00") - 1;
    expect(await applyRetention(deps.domain, clock.at)).toMatchObject({ conversations: 0, messages: 0, attachments: 0, failures: [] });
    expect(await messagesOf(lateEvening.id)).toHaveLength(1);

    clock.at = istanbul("2026-03-13T00:00");
    const report = await applyRetention(deps.domain, clock.at);
    expect(report).toMatchObject({ conversations: 1, messages: 1, notes: 1, attachments: 1, recordings: 0, filesDeleted: 1, filesFailed: 0, failures: [] });
    expect(report.settings).toEqual({ conversationRetentionDays: 3, attachmentRetentionDays: null, recordingRetentionDays: null, timezone: "Europe/Istanbul" });
    // Its words, file, notes, search rows and Telegram mappings are gone; the shell stays for reports.
    expect(await messagesOf(lateEvening.id)).toEqual([]);
    expect(await stored(file.storage_key)).toBe(false);
    expect(await db().selectFrom("attachments").select("id").where("id", "=", file.id).execute()).toEqual([]);
    // Messages reach the search index in batches after they are stored: index what is waiting first.
    await indexAllNotedMessages(db());
    expect(await db().selectFrom("search_documents").select("id").where("conversation_id", "=", lateEvening.id).execute()).toEqual([]);
    expect(await db().selectFrom("search_documents").select("id").where("conversation_id", "=", afterMidnight.id).execute()).toHaveLength(1);
    expect(await db().selectFrom("telegram_messages").select("message_id").where("conversation_id", "=", lateEvening.id).execute()).toEqual([]);
    const events = await db().selectFrom("conversation_events").select(["kind", "body"]).where("conversation_id", "=", lateEvening.id).execute();
    expect(events).toEqual([{ kind: "rated", body: null }]);
    expect(await db().selectFrom("conversation_ratings").select(["score", "comment"]).where("conversation_id", "=", lateEvening.id).execute()).toEqual([{ score: 5, comment: null }]);
    const shell = await db().selectFrom("conversations").selectAll().where("id", "=", lateEvening.id).executeTakeFirstOrThrow();
    expect(shell).toMatchObject({ status: "resolved", resolved_at: istanbul("2026-03-10T23:30"), page_url: null, last_message_preview: null });
    // Resolved after local midnight: one more day.
    expect(await messagesOf(afterMidnight.id)).toHaveLength(1);
    // A second run at the same instant finds nothing left to do.
    expect(await applyRetention(deps.domain, clock.at)).toMatchObject({ conversations: 0, messages: 0 });

    clock.at = istanbul("2026-03-14T00:00") - 1;
    expect(await applyRetention(deps.domain, clock.at)).toMatchObject({ conversations: 0 });
    clock.at = istanbul("2026-03-14T00:00");
    expect(await applyRetention(deps.domain, clock.at)).toMatchObject({ conversations: 1, messages: 1 });
    expect(await messagesOf(afterMidnight.id)).toEqual([]);

    // Open and reopened conversations are never touched, however old.
    clock.at = istanbul("2027-01-01T00:00");
    expect(await applyRetention(deps.domain, clock.at)).toMatchObject({ conversations: 0 });
    for (const kept of [open, reopened]) {
      expect(await messagesOf(kept.id)).toHaveLength(1);
      expect(await db().selectFrom("conversations").select("page_url").where("id", "=", kept.id).executeTakeFirstOrThrow()).toEqual({ page_url: "https://shop.example/order" });
    }

    // One audit entry per run, with counts and settings and no one's words.
    const audits = (await retentionAudits()).slice(before);
    expect(audits).toHaveLength(6);
    expect(parse(audits[1]?.details)).toMatchObject({ conversationRetentionDays: 3, timezone: "Europe/Istanbul", conversations: 1, messages: 1, filesDeleted: 1 });
    expect(audits.map((a) => JSON.stringify(a.details)).join()).not.toMatch(/kargo|iade|fatura|Ayşe/);
  });

  it("a conversation reopened and resolved again goes N days after its new resolve", async () => {
    await saveSettingsDirectly(deps.domain, { conversationRetentionDays: 1, attachmentRetentionDays: null, recordingRetentionDays: null });
    const c = await conversation({ status: "resolved", resolvedAt: istanbul("2027-02-01T12:00"), writtenAt: istanbul("2027-02-01T11:00"), words: "ilk" });
    clock.at = istanbul("2027-02-02T00:00");
    expect(await applyRetention(deps.domain, clock.at)).toMatchObject({ conversations: 1 });
    // The visitor writes to the emptied shell, which reopens and is resolved again a week later.
    await message(c.id, c.visitorId, istanbul("2027-02-05T10:00"), "yine ben", 2);
    await db().updateTable("conversations").set({ status: "resolved", resolved_at: istanbul("2027-02-08T23:59") }).where("id", "=", c.id).execute();
    clock.at = istanbul("2027-02-09T00:00") - 1;
    expect(await applyRetention(deps.domain, clock.at)).toMatchObject({ conversations: 0 });
    expect(await messagesOf(c.id)).toHaveLength(1);
    clock.at = istanbul("2027-02-09T00:00");
    expect(await applyRetention(deps.domain, clock.at)).toMatchObject({ conversations: 1, messages: 1 });
  });

  it("deletes files sent N local days ago; their messages stay and say the file was removed", async () => {
    await saveSettingsDirectly(deps.domain, { conversationRetentionDays: null, attachmentRetentionDays: 2, recordingRetentionDays: null });
    const c = await conversation({ status: "open", resolvedAt: null, writtenAt: istanbul("2028-05-10T23:00"), words: "dosyalar" });
    const old = await attachment(c.id, c.messageId, istanbul("2028-05-10T23:30"));
    const second = await message(c.id, c.visitorId, istanbul("2028-05-11T00:30"), "ikinci dosya", 2);
    const fresh = await attachment(c.id, second, istanbul("2028-05-11T00:30"));
    // An upload never sent is the orphan-upload job's (it goes within hours), not retention's.
    const unsent = await attachment(c.id, null, istanbul("2028-05-01T10:00"));

    clock.at = istanbul("2028-05-12T00:00") - 1;
    expect(await applyRetention(deps.domain, clock.at)).toMatchObject({ attachments: 0, filesDeleted: 0 });
    expect(await stored(old.storage_key)).toBe(true);

    clock.at = istanbul("2028-05-12T00:00");
    expect(await applyRetention(deps.domain, clock.at)).toMatchObject({ attachments: 1, filesDeleted: 1, conversations: 0 });
    expect(await stored(old.storage_key)).toBe(false);
    const row = await db().selectFrom("attachments").selectAll().where("id", "=", old.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ deleted_at: clock.at, file_name: "", message_id: c.messageId });
    expect(presentAttachment(deps.domain, row)).toMatchObject({ id: old.id, kind: "file", url: "", fileName: "", removed: true });
    const link = new URL(signedFileUrl(deps.domain, old.id), "http://destek.test");
    await expect(attachmentForSignedUrl(deps.domain, old.id, Number(link.searchParams.get("exp")), link.searchParams.get("sig") ?? "")).rejects.toMatchObject({ id: "file_removed" });
    expect(await messagesOf(c.id)).toHaveLength(2);
    // A privacy export no longer names the deleted file, and still works.
    const exported = await exportPerson(deps.domain, { actor: { type: "system" }, person: c.visitorId });
    expect(exported.files.map((f) => f.storageKey)).not.toContain(old.storage_key);
    expect(exported.files.map((f) => f.storageKey)).toContain(fresh.storage_key);
    expect(JSON.stringify(exported.document)).toContain("(file removed after its retention period)");
    expect(await stored(fresh.storage_key)).toBe(true);
    expect(await stored(unsent.storage_key)).toBe(true);
    const freshRow = await db().selectFrom("attachments").selectAll().where("id", "=", fresh.id).executeTakeFirstOrThrow();
    expect(presentAttachment(deps.domain, freshRow).removed).toBeUndefined();

    clock.at = istanbul("2028-05-13T00:00");
    expect(await applyRetention(deps.domain, clock.at)).toMatchObject({ attachments: 1 });
    expect(await stored(fresh.storage_key)).toBe(false);
    expect(await applyRetention(deps.domain, clock.at)).toMatchObject({ attachments: 0 });
  });

  it("deletes recordings made N local days ago, files first, each noted in the audit log", async () => {
    await saveSettingsDirectly(deps.domain, { conversationRetentionDays: null, attachmentRetentionDays: null, recordingRetentionDays: 1 });
    const visitorId = await visitor();
    const callId = randomUUID();
    const start = istanbul("2029-07-10T23:00");
    await insertCall(db(), {
      id: callId, visitor_id: visitorId, conversation_id: null, agent_id: null, status: "ended", media: "audio", recording_mode: "audio",
      created_at: start, answered_at: start, ended_at: start + 90 * MINUTE, duration_ms: 90 * MINUTE, end_reason: "caller_hung_up", mix_status: null,
      consent_mode: "audio", consent_at: start, consent_version: "2026-11",
    });
    const record = async (role: "caller" | "agent", at: number) => {
      const path = join(mkdtempSync(join(tmpdir(), "destek-leg-")), "leg.webm");
      await writeFile(path, Buffer.from("voice"));
      return storeRecording(deps.domain, { callId, role, path, mime: "audio/webm", size: 5, startedAt: at, durationMs: 1000 });
    };
    const late = await record("caller", istanbul("2029-07-10T23:30"));
    const early = await record("agent", istanbul("2029-07-11T00:30"));

    clock.at = istanbul("2029-07-11T00:00") - 1;
    expect(await applyRetention(deps.domain, clock.at)).toMatchObject({ recordings: 0 });
    clock.at = istanbul("2029-07-11T00:00");
    expect(await applyRetention(deps.domain, clock.at)).toMatchObject({ recordings: 1, filesDeleted: 1 });
    expect(await stored(late.storage_key)).toBe(false);
    expect(await stored(early.storage_key)).toBe(true);
    const rows = await db().selectFrom("recordings").select(["id", "deleted_at"]).where("call_id", "=", callId).orderBy("created_at").execute();
    expect(rows).toEqual([{ id: late.id, deleted_at: clock.at }, { id: early.id, deleted_at: null }]);
    expect(await db().selectFrom("audit_log").select("target_id").where("action", "=", "recording.removed").execute()).toEqual([{ target_id: late.id }]);
  });

  it("keeps everything while every setting is unset, and then writes no audit entry", async () => {
    await saveSettingsDirectly(deps.domain, { conversationRetentionDays: null, attachmentRetentionDays: null, recordingRetentionDays: null });
    const c = await conversation({ status: "resolved", resolvedAt: istanbul("2020-01-01T10:00"), writtenAt: istanbul("2020-01-01T09:00"), words: "eski" });
    const before = (await retentionAudits()).length;
    clock.at = istanbul("2030-01-01T00:00");
    expect(await applyRetention(deps.domain, clock.at)).toMatchObject({ conversations: 0, attachments: 0, recordings: 0 });
    expect(await messagesOf(c.id)).toHaveLength(1);
    expect(await retentionAudits()).toHaveLength(before);
  });

  it("runs on one node of two each hour, with one log line and one audit entry per run", async () => {
    await saveSettingsDirectly(deps.domain, { conversationRetentionDays: 30, attachmentRetentionDays: null, recordingRetentionDays: null });
    // A second node: its own deps (own settings cache, own log) on the same database.
    const logs = [capturedLog(), capturedLog()];
    const nodes = logs.map(({ log }) => createDeps(deps.config, { database: handle, clock, log }));
    const before = (await retentionAudits()).length;
    clock.at = istanbul("2031-01-01T10:00");

    const first = await Promise.all(nodes.map((node, i) => runRetentionOnce(node, `node-${i}`)));
    expect(first.filter(Boolean)).toHaveLength(1);
    expect(await retentionAudits()).toHaveLength(before + 1);
    const lines = logs.flatMap(({ lines }) => lines.filter((l) => l.msg === "retention applied"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ conversations: expect.any(Number), messages: expect.any(Number), settings: { conversationRetentionDays: 30, timezone: "Europe/Istanbul" } });

    // Within the hour neither runs again; once it has passed, one does.
    clock.at += RETENTION_EVERY_MS - 1;
    expect((await Promise.all(nodes.map((node, i) => runRetentionOnce(node, `node-${i}`)))).filter(Boolean)).toHaveLength(0);
    clock.at += 1;
    expect((await Promise.all(nodes.map((node, i) => runRetentionOnce(node, `node-${i}`)))).filter(Boolean)).toHaveLength(1);
    expect(await retentionAudits()).toHaveLength(before + 2);

    // A node that dies mid-run holds the run until its lease ends; then another takes over.
    clock.at += RETENTION_EVERY_MS;
    expect(await claimJobRun(db(), "retention", "dead-node", clock.at, { everyMs: 60_000, leaseMs: 30 * MINUTE })).toBe(true);
    clock.at += 60_000;
    expect(await runRetentionOnce(nodes[0]!, "node-0")).toBeNull();
    clock.at += 30 * MINUTE;
    expect(await runRetentionOnce(nodes[0]!, "node-0")).not.toBeNull();
    expect(await retentionAudits()).toHaveLength(before + 3);
  });
});

describe.each(testDatabases())("the retention job as main starts it, on $name", (database) => {
  it("runs shortly after a start with the environment's settings, and logs and audits the run", async () => {
    const handle = await database.open();
    const { log, lines } = capturedLog();
    const t = await startTestApp({ database: handle, jobs: true, log, env: { CONVERSATION_RETENTION_DAYS: "400", ATTACHMENT_RETENTION_DAYS: "200", TIMEZONE: "Europe/Istanbul" } });
    try {
      await expect.poll(() => lines.filter((l) => l.msg === "retention applied").length, { timeout: 20_000 }).toBe(1);
      expect(lines.find((l) => l.msg === "retention applied")).toMatchObject({
        settings: { conversationRetentionDays: 400, attachmentRetentionDays: 200, recordingRetentionDays: null, timezone: "Europe/Istanbul" },
        conversations: 0,
        attachments: 0,
      });
      const audits = await handle.db.selectFrom("audit_log").selectAll().where("action", "=", "retention.applied").execute();
      expect(audits).toHaveLength(1);
      expect(audits[0]).toMatchObject({ actor_type: "system" });
    } finally {
      await t.close();
      await handle.dispose();
    }
  }, 30_000);
});

