import type { Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import type { ConversationSummary, MessageView } from "../../src/protocol/chat.ts";
import type { SearchSnippet } from "../../src/protocol/search.ts";
import { parseSearch } from "../../src/domain/search/query.ts";
import { searchInboxPage } from "../../src/domain/search/searchInbox.ts";
import { newClientId, newVisitorToken, openSocket, request } from "../support/chatClients.ts";
import { type TestDatabase, testDatabases } from "../support/databases.ts";
import { type ListeningTestApp, startListeningApp, addAgentWithSession } from "../support/testApp.ts";

interface Page {
  conversations: ConversationSummary[];
  nextCursor: string | null;
  matches?: Record<string, SearchSnippet>;
}

/** The marked words of a snippet, as the console shows them inside <mark>. */
const marked = (snippet: SearchSnippet | undefined) => (snippet ? snippet.marks.map((m) => snippet.text.slice(m.start, m.end)) : []);

describe.each(testDatabases())("inbox full-text search on $name", (database: TestDatabase) => {
  let t: ListeningTestApp;
  let url: string;
  let agentToken: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await startListeningApp(database);
    url = t.url;
    agentToken = (await addAgentWithSession(t.deps, "selin")).accessToken;
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });
  afterAll(() => t.close());

  const visitor = async () => {
    const socket = await openSocket(`${url}/visitor`, { visitorToken: newVisitorToken(), language: "tr" });
    sockets.push(socket);
    return socket;
  };
  const say = async (socket: Socket, body: string) => (await request<{ message: MessageView }>(socket, "message:send", { clientId: newClientId(), body })).message;
  const search = async (q: string, extra = ""): Promise<Page> => {
    const res = await t.app.inject({ method: "GET", url: `/api/conversations?q=${encodeURIComponent(q)}${extra}`, headers: { authorization: `Bearer ${agentToken}` } });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const ids = (page: Page) => page.conversations.map((c) => c.id);

  it("finds Turkish case and i variants in messages and marks the words as written", async () => {
    const a = await say(await visitor(), "Merhaba, İSTANBUL şubesinde ILIK çay var mı?");
    const b = await say(await visitor(), "Istanbul'a kargo ne zaman gelir");
    const c = await say(await visitor(), "ŞEKER siparişim eksik geldi");
    const d = await say(await visitor(), "ılık su ve şekersiz kahve, İzmir'den");

    const istanbul = await search("istanbul");
    expect(ids(istanbul).sort()).toEqual([a.conversationId, b.conversationId].sort());
    expect(marked(istanbul.matches?.[a.conversationId])).toEqual(["İSTANBUL"]);
    expect(marked(istanbul.matches?.[b.conversationId])).toEqual(["Istanbul"]);
    expect(istanbul.matches?.[a.conversationId]).toMatchObject({ source: "message", messageSeq: a.seq });
    expect(ids(await search("İSTANBUL ")).sort()).toEqual([a.conversationId, b.conversationId].sort());

    expect(ids(await search("ılık ")).sort()).toEqual([a.conversationId, d.conversationId].sort());
    expect(ids(await search("ILIK ")).sort()).toEqual([a.conversationId, d.conversationId].sort());
    expect(marked((await search("ılık ")).matches?.[a.conversationId])).toEqual(["ILIK"]);

    // A whole word: "şeker" is not "şekersiz"; as the user types, the last word is a prefix.
    expect(ids(await search("şeker "))).toEqual([c.conversationId]);
    expect(ids(await search("SEKER "))).toEqual([c.conversationId]);
    expect(ids(await search("şeker")).sort()).toEqual([c.conversationId, d.conversationId].sort());
    expect(marked((await search("şeker")).matches?.[d.conversationId])).toEqual(["şekersiz"]);

    const typing = await search("ista");
    expect(ids(typing).sort()).toEqual([a.conversationId, b.conversationId].sort());
    expect(marked(typing.matches?.[b.conversationId])).toEqual(["Istanbul"]);

    // Every word must match; quotes ask for the words side by side.
    expect(ids(await search("kargo istanbul"))).toEqual([b.conversationId]);
    expect(ids(await search('"kargo ne"'))).toEqual([b.conversationId]);
    expect(ids(await search('"ne kargo"'))).toEqual([]);
    expect(ids(await search("izmir"))).toEqual([d.conversationId]);
  });

  it("keeps the index in step with new messages, agent replies and profile edits", async () => {
    const widget = await visitor();
    const first = await say(widget, "ilk mesaj");
    expect(ids(await search("zeytinyağı"))).toEqual([]);
    await say(widget, "Zeytinyağı fiyatı nedir?");
    const found = await search("zeytinyagi");
    expect(ids(found)).toEqual([first.conversationId]);
    expect(found.matches?.[first.conversationId]?.messageSeq).toBe(2);

    const console = await openSocket(`${url}/agent`, { token: agentToken });
    sockets.push(console);
    await request(console, "message:send", { conversationId: first.conversationId, clientId: newClientId(), body: "Kampanyalı fiyat: 250 TL" });
    expect(ids(await search("kampanyali "))).toEqual([first.conversationId]);

    await request(widget, "profile:update", { name: "Ayşe Yıldırım", email: "ayse.yildirim@ornek.com.tr", phone: "+90 532 111 22 33" });
    const byName = await search("YILDIRIM ");
    expect(ids(byName)).toEqual([first.conversationId]);
    expect(byName.matches?.[first.conversationId]).toMatchObject({ source: "visitor", messageSeq: null });
    expect(marked(byName.matches?.[first.conversationId])).toEqual(["Yıldırım", "yildirim"]);
    expect(ids(await search("ornek.com"))).toEqual([first.conversationId]);
    expect(ids(await search("532 111"))).toEqual([first.conversationId]);

    await request(widget, "profile:update", { name: "Ayşe Kaya" });
    expect(ids(await search("kaya "))).toEqual([first.conversationId]);
    // The old name is gone from the index; the e-mail (unchanged) still holds "yildirim".
    expect(ids(await search("ayse yildirim"))).toEqual([first.conversationId]);
    await request(widget, "profile:update", { email: "kaya@example.com" });
    expect(ids(await search("yildirim "))).toEqual([]);
  });

  it("pages search results by cursor and keeps the tab filters", async () => {
    const conversations: string[] = [];
    for (let i = 0; i < 5; i++) conversations.push((await say(await visitor(), `sayfalama denemesi numara ${i}`)).conversationId);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await search("sayfalama", `&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(page.conversations.length).toBeLessThanOrEqual(2);
      for (const c of page.conversations) expect(page.matches?.[c.id]?.source).toBe("message");
      seen.push(...ids(page));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...conversations].reverse());

    const console = await openSocket(`${url}/agent`, { token: agentToken });
    sockets.push(console);
    await request(console, "conversation:status", { conversationId: conversations[0], status: "resolved" });
    expect(ids(await search("sayfalama", "&status=open"))).not.toContain(conversations[0]);
    expect(ids(await search("sayfalama", "&status=resolved"))).toEqual([conversations[0]]);
    expect(ids(await search("sayfalama", "&assignee=me"))).toEqual([]);
    await request(console, "conversation:assign", { conversationId: conversations[1], agentId: (await findAgentByUsername(t.deps.domain.db, "selin"))!.id });
    expect(ids(await search("sayfalama", "&assignee=me"))).toEqual([conversations[1]]);
    expect(ids(await search("sayfalama", "&assignee=unassigned"))).not.toContain(conversations[1]);
  });

  it("answers FTS syntax and injection attempts as plain words, never with an error", async () => {
    const target = await say(await visitor(), "near the (main) door: \"quoted\" -minus * star");
    const hostile = [
      '"', '""', '"unclosed phrase', "*", "**", "star*", "-minus", "NEAR", "NEAR(main door)", "near/2", "main:door", "body:near",
      "(", ")", "(main", "main)", "AND", "OR", "NOT", "a AND OR NOT b", "^door", "'", "''", "'; drop table messages; --",
      "x' OR '1'='1", "\\", "%", "_", "&", "|", "!", "<->", "door:*", "::", "{}", "[]", "🙂", "İ", "ı", " ", "\t",
    ];
    for (const q of hostile) await search(q);
    expect(ids(await search("NEAR(main door)"))).toEqual([target.conversationId]);
    expect(ids(await search('"quoted"'))).toEqual([target.conversationId]);
    expect(ids(await search("door:*"))).toEqual([target.conversationId]);
    // A query with no word at all is the plain tab, without snippets.
    const plain = await search("*()");
    expect(plain.matches).toBeUndefined();
    expect(ids(plain)).toContain(target.conversationId);
    const nul = await t.app.inject({ method: "GET", url: "/api/conversations?q=a%00b", headers: { authorization: `Bearer ${agentToken}` } });
    expect(nul.statusCode).toBe(400);
    expect(nul.json().error.id).toBe("invalid_request");
  });

  it("gives the same pages whether a query goes through the index or walks the conversations (the plan for common words)", async () => {
    for (const q of ["istanbul", "ista", "sayfalama", "sayfalama numara 3", '"kargo ne"', "yildirim", "kaya", "ilk", "zzz", "ılık"]) {
      for (const status of ["open", "resolved"] as const) {
        const pages = async (commonAbove?: number) => {
          const all = [];
          let before: { lastMessageAt: number; id: string } | undefined;
          for (;;) {
            const page = await searchInboxPage(t.deps.domain, { status, assignee: { kind: "all" }, limit: 2, ...(before ? { before } : {}) }, parseSearch(q), commonAbove);
            all.push({ ids: page.rows.map((row) => row.id), matches: page.matches });
            if (!page.next) return all;
            before = page.next;
          }
        };
        expect(await pages(1), `${q} (${status})`).toEqual(await pages());
      }
    }
  });
});
