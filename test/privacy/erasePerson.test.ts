import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { sql } from "kysely";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertCall } from "../../src/adapters/db/repositories/calls.ts";
import { findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { storeRecording } from "../../src/domain/calls/recordings.ts";
import { sendAgentMessage } from "../../src/domain/chat/messages.ts";
import { mergeContacts } from "../../src/domain/contacts/mergeContacts.ts";
import { addNote } from "../../src/domain/chat/timeline.ts";
import { erasePerson } from "../../src/domain/privacy/erasePerson.ts";
import type { AttachmentView } from "../../src/protocol/chat.ts";
import { newClientId, newVisitorToken, openSocket, request } from "../support/chatClients.ts";
import { testDatabases } from "../support/databases.ts";
import { FakeTelegram } from "../support/fakeTelegram.ts";
import { addAgent, startTestApp, type TestApp } from "../support/testApp.ts";

const TEAM_CHAT = -100777;

// "Delete everything you hold about me": the profile, words, files, recordings and consent go,
// bridged Telegram posts are deleted where Telegram still allows it, and only anonymous shells of
// the conversations and calls remain for reports. On both engines.
describe.each(testDatabases())("erasing a person on $name", (database) => {
  let t: TestApp;
  let telegram: FakeTelegram;
  let url: string;
  let dispose: () => Promise<void>;
  let sqliteFile: string | undefined;
  const sockets: Socket[] = [];
  const MARKER = "zeytinyağlıbörek4711";

  beforeAll(async () => {
    telegram = await new FakeTelegram().start();
    const handle = await database.open();
    dispose = handle.dispose;
    sqliteFile = "file" in handle ? (handle.file as string) : undefined;
    t = await startTestApp({ database: handle, telegram, env: { TELEGRAM_ADMIN_CHAT_ID: String(TEAM_CHAT), TELEGRAM_ALERT_FLOOD_PER_MINUTE: "1000", ENCRYPT_FILES: "true" } });
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    await addAgent(t.deps, "derya", { admin: true });
    await t.deps.telegram!.start(t.deps);
  }, 60_000);
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await t?.close();
    await telegram?.stop();
    await dispose?.();
  });

  /** A visitor who chats, sends a file, is answered, noted about and called (recorded); returns their id. */
  async function personWithHistory(email: string, words: string) {
    const token = newVisitorToken();
    const socket = await openSocket(`${url}/visitor`, { visitorToken: token });
    sockets.push(socket);
    await request(socket, "profile:update", { name: "Zeynep Kaya", email });
    const form = new FormData();
    form.append("file", new Blob([Buffer.from(`${words} — fatura`)]), "invoice.txt");
    const upload = await fetch(`${url}/api/widget/attachments`, { method: "POST", headers: { authorization: `Visitor ${token}` }, body: form });
    const { attachment } = (await upload.json()) as { attachment: AttachmentView };
    await request(socket, "message:send", { clientId: newClientId(), body: `${words} siparişim nerede?`, attachmentIds: [attachment.id] });
    const visitor = await t.deps.domain.db.selectFrom("visitors").selectAll().where("email", "in", [email, email.toLowerCase()]).executeTakeFirstOrThrow();
    const conversation = await t.deps.domain.db.selectFrom("conversations").selectAll().where("visitor_id", "=", visitor.id).executeTakeFirstOrThrow();
    const agent = (await findAgentByUsername(t.deps.domain.db, "derya"))!;
    await sendAgentMessage(t.deps.domain, agent, { conversationId: conversation.id, clientId: newClientId(), body: `Merhaba Zeynep, ${words} kargoda.`, attachmentIds: [], via: "console" });
    await addNote(t.deps.domain, agent, { conversationId: conversation.id, body: `${words} müşteri kızgın` });

    const callId = randomUUID();
    const now = Date.now();
    await insertCall(t.deps.domain.db, {
      id: callId, visitor_id: visitor.id, conversation_id: conversation.id, agent_id: agent.id, status: "ended", media: "audio", recording_mode: "audio",
      created_at: now - 60_000, answered_at: now - 50_000, ended_at: now - 10_000, duration_ms: 40_000, end_reason: "caller_hung_up", mix_status: null,
      consent_mode: "audio", consent_at: now - 60_000, consent_version: "2026-11",
    });
    const leg = join(tmpdir(), `leg-${randomUUID()}.webm`);
    await writeFile(leg, Buffer.from(`${words} recorded voice`));
    await storeRecording(t.deps.domain, { callId, role: "caller", path: leg, mime: "audio/webm", size: 10, startedAt: now - 50_000, durationMs: 40_000 });
    // The team chat got the alert for the visitor's message (a bridged post to delete later).
    await telegram.waitForSent((m) => String(m.chat_id) === String(TEAM_CHAT) && String(m.text ?? m.caption).includes(words));
    return { visitor, conversation, callId, attachment };
  }

  it("erases the person by e-mail and keeps only anonymous shells", async () => {
    const keep = await personWithHistory("other@example.com", "başkasının-sözleri");
    const { visitor, conversation, callId } = await personWithHistory("Zeynep@Example.com", MARKER);
    const db = t.deps.domain.db;
    const fileKeys = [
      ...(await db.selectFrom("attachments").select("storage_key").where("conversation_id", "=", conversation.id).execute()),
      ...(await db.selectFrom("recordings").select("storage_key").where("call_id", "=", callId).execute()),
    ].map((r) => join(t.deps.config.dataDir, "files", r.storage_key));
    expect(fileKeys.length).toBe(2);
    expect(fileKeys.every((f) => existsSync(f))).toBe(true);
    const posts = await db.selectFrom("telegram_messages").select(["chat_id", "message_id"]).where("conversation_id", "=", conversation.id).execute();
    expect(posts.length).toBeGreaterThan(0);
    // Telegram refuses one deletion (too old): it is listed, not lost.
    const refusedId = posts[0]!.message_id;
    telegram.failWhen((r) => r.method === "deleteMessage" && Number(r.args.message_id) === refusedId, { status: 400, description: "Bad Request: message can't be deleted for everyone" });

    const report = await erasePerson(t.deps.domain, { actor: { type: "system" }, person: "zeynep@example.com" });

    expect(report.visitorIds).toEqual([visitor.id]);
    expect(report.counts).toMatchObject({ conversations: 1, calls: 1, messages: 2, attachments: 1, recordings: 1, notes: 1 });
    expect(report.files).toEqual({ deleted: 2, failed: [] });
    expect(report.telegram.left).toEqual([{ chatId: posts[0]!.chat_id, messageId: refusedId, why: "refused" }]);
    expect(report.telegram.deleted).toBe(posts.length - 1);
    expect(telegram.deleted).toHaveLength(posts.length - 1);

    expect(fileKeys.some((f) => existsSync(f))).toBe(false);
    expect(await db.selectFrom("visitors").selectAll().where("id", "=", visitor.id).executeTakeFirst()).toBeUndefined();
    expect(await db.selectFrom("messages").selectAll().where("conversation_id", "=", conversation.id).execute()).toEqual([]);
    expect(await db.selectFrom("search_documents").selectAll().where("visitor_id", "=", visitor.id).execute()).toEqual([]);
    expect(await db.selectFrom("conversation_events").selectAll().where("conversation_id", "=", conversation.id).where("kind", "=", "note").execute()).toEqual([]);
    // The shells: still counted, holding nothing about anyone.
    const shell = await db.selectFrom("conversations").selectAll().where("id", "=", conversation.id).executeTakeFirstOrThrow();
    expect(shell.visitor_id).not.toBe(visitor.id);
    expect(shell.last_message_preview).toBeNull();
    const anonymous = await db.selectFrom("visitors").selectAll().where("id", "=", shell.visitor_id).executeTakeFirstOrThrow();
    expect(anonymous).toMatchObject({ name: null, email: null, phone: null, user_agent: null, page_url: null });
    const call = await db.selectFrom("calls").selectAll().where("id", "=", callId).executeTakeFirstOrThrow();
    expect(call).toMatchObject({ visitor_id: shell.visitor_id, duration_ms: 40_000, consent_mode: null, consent_at: null });

    // The audit line says what was done, not to whom by name or address.
    const entry = await db.selectFrom("audit_log").selectAll().where("action", "=", "contact.erased").executeTakeFirstOrThrow();
    expect(entry.target_id).toBe(visitor.id);
    expect(entry.details).not.toMatch(/zeynep|example\.com|zeytin/i);

    // The other person is untouched.
    expect(await db.selectFrom("messages").select("id").where("conversation_id", "=", keep.conversation.id).execute()).toHaveLength(2);

    // Nothing of the erased words is left in the SQLite file, search index included.
    if (sqliteFile) {
      await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
      const bytes = readFileSync(sqliteFile);

      for (const needle of ["zeytinya", "zeynep@example", "Zeynep@Example"]) expect(bytes.includes(Buffer.from(needle)), needle).toBe(false);
      expect(bytes.includes(Buffer.from("başkasının"))).toBe(true);
    }
  }, 60_000);

  it("erases the contacts merged into the person too, whose rows may still own conversations", async () => {
    const first = await personWithHistory("ece.first@example.com", "birinci-cihaz");
    const second = await personWithHistory("ece.second@example.com", "ikinci-cihaz");
    const admin = (await findAgentByUsername(t.deps.domain.db, "derya"))!;
    await mergeContacts(t.deps.domain, { type: "agent", agentId: admin.id, sessionId: "s", role: "admin" }, first.visitor.id, second.visitor.id);

    const report = await erasePerson(t.deps.domain, { actor: { type: "system" }, person: first.visitor.id });
    expect(report.visitorIds.sort()).toEqual([first.visitor.id, second.visitor.id].sort());
    const db = t.deps.domain.db;
    expect(await db.selectFrom("visitors").select("id").where("id", "in", [first.visitor.id, second.visitor.id]).execute()).toEqual([]);
    expect(await db.selectFrom("messages").select("id").where("conversation_id", "in", [first.conversation.id, second.conversation.id]).execute()).toEqual([]);
  }, 60_000);

  it("says clearly when there is nobody to erase", async () => {
    await expect(erasePerson(t.deps.domain, { actor: { type: "system" }, person: "nobody@example.com" })).rejects.toMatchObject({ id: "contact_not_found" });
  });
});
