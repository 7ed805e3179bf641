import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/adapters/db/database.ts";
import { INDEX_BATCH, indexAllNotedMessages, indexNotedMessages } from "../../src/adapters/db/repositories/searchIndex.ts";
import { startSearchIndexJob } from "../../src/adapters/db/searchIndexJob.ts";
import type { Db } from "../../src/adapters/db/database.ts";
import { sendVisitorMessage } from "../../src/domain/chat/messages.ts";
import type { VisitorRow } from "../../src/adapters/db/repositories/chat.ts";
import { identifyVisitor } from "../../src/domain/chat/visitors.ts";
import { parseSearch } from "../../src/domain/search/query.ts";
import { searchInboxPage } from "../../src/domain/search/searchInbox.ts";
import { newClientId, newVisitorToken } from "../support/chatClients.ts";
import { openSqlite, type TestDatabase, testDatabases } from "../support/databases.ts";
import { startTestApp, startTestAppOn, type TestApp } from "../support/testApp.ts";
import { waitFor } from "../support/process.ts";

// A message's transaction notes it for search instead of indexing it (migration 0028); the indexer
// moves noted messages into the index in batches. Nothing may be lost on the way, and a search must
// still find a message the moment it was acknowledged.

const origin = { address: "127.0.0.1" };
const documentsOf = (db: Db, messageId: string) => db.selectFrom("search_documents").select("body").where("message_id", "=", messageId).execute();
const notes = (db: Db) => db.selectFrom("search_backlog").select("message_id").execute();

describe.each(testDatabases())("search indexing in batches on $name", (database: TestDatabase) => {
  let t: TestApp;
  let db: Db;
  let visitor: VisitorRow;

  beforeAll(async () => {
    t = await startTestAppOn(database);
    db = t.deps.domain.db;
    visitor = await identifyVisitor(t.deps.domain, { token: newVisitorToken(), userAgent: "test", language: "tr", origin });
  });
  afterAll(() => t.close());

  const send = async (body: string) => (await sendVisitorMessage(t.deps.domain, visitor, { clientId: newClientId(), body, attachmentIds: [], origin })).message;

  it("notes a message in its own transaction and indexes it in the next batch", async () => {
    const message = await send("Kargom İstanbul'da bekliyor");
    expect(await notes(db)).toEqual([{ message_id: message.id }]);
    expect(await documentsOf(db, message.id)).toEqual([]);

    expect(await indexNotedMessages(db)).toBe(1);
    expect(await notes(db)).toEqual([]);
    expect(await documentsOf(db, message.id)).toHaveLength(1);
    expect(await indexNotedMessages(db)).toBe(0);
  });

  it("finds a message in a search at once, before any batch ran", async () => {
    const message = await send("ornitorenk siparişi nerede");
    const page = await searchInboxPage(t.deps.domain, { status: "all", assignee: { kind: "all" }, limit: 20 }, parseSearch("ornitorenk"));
    expect(page.rows.map((row) => row.id)).toEqual([message.conversationId]);
    expect(await notes(db)).toEqual([]);
  });

  it("indexes a backlog larger than one batch, and drops the note of a message erased meanwhile", async () => {
    const sent = [];
    for (let i = 0; i < INDEX_BATCH + 15; i++) sent.push(await send(`toplu ileti ${i}`));
    const erased = await send("silinecek ileti");
    await db.deleteFrom("messages").where("id", "=", erased.id).execute();

    await indexAllNotedMessages(db);
    expect(await notes(db)).toEqual([]);
    const indexed = await db.selectFrom("search_documents").select("message_id").where("message_id", "in", [...sent.map((m) => m.id), erased.id]).execute();
    expect(indexed).toHaveLength(sent.length);
  });

  it("the job indexes what is noted without being asked", async () => {
    const job = startSearchIndexJob(t.deps);
    try {
      const message = await send("arka planda dizinlenir");
      await waitFor(async () => ((await documentsOf(db, message.id)).length === 1 ? true : undefined), 10_000, () => "the job to index the message");
      expect(await notes(db)).toEqual([]);
    } finally {
      await job.stop();
    }
  });
});

describe("a note outlives a crash", () => {
  it("indexes after a restart what was noted before it", async () => {
    const first = await openSqlite();
    const t = await startTestApp({ database: first });
    const visitor = await identifyVisitor(t.deps.domain, { token: newVisitorToken(), userAgent: "test", language: null, origin });
    const message = (await sendVisitorMessage(t.deps.domain, visitor, { clientId: newClientId(), body: "yeniden başlatma", attachmentIds: [], origin })).message;
    // The process ends before any batch ran: only the note is on disk.
    await t.close();
    await first.close();

    const reopened = openDatabase({ kind: "sqlite", file: first.file });
    try {
      expect(await notes(reopened.db)).toEqual([{ message_id: message.id }]);
      await indexAllNotedMessages(reopened.db);
      expect(await documentsOf(reopened.db, message.id)).toHaveLength(1);
    } finally {
      await reopened.close();
      await first.dispose().catch(() => undefined);
    }
  });
});
