import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentRow, findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { listAudit } from "../../src/adapters/db/repositories/audit.ts";
import { insertConversation, insertVisitor } from "../../src/adapters/db/repositories/chat.ts";
import { eventsOfConversation } from "../../src/adapters/db/repositories/timeline.ts";
import { startSession } from "../../src/domain/auth/sessions.ts";
import type { ConversationSummary } from "../../src/protocol/chat.ts";
import type { FilterOptions, LabelView } from "../../src/protocol/labels.ts";
import type { TimelineResponse } from "../../src/protocol/timeline.ts";
import { type TestDatabase, testDatabases } from "../support/databases.ts";
import { addAgent, startTestApp, type TestApp } from "../support/testApp.ts";

// Labels over HTTP on each database: the catalogue (admins change it, names unique ignoring case,
// stable error ids, the audit log), labels on a conversation with their timeline entries, and the
// inbox list filtered by status, assignee, inbox and label together, paged with its cursor.

type Who = "admin" | "ayse" | "bora";
interface Page {
  conversations: ConversationSummary[];
  nextCursor: string | null;
}

describe.each(testDatabases())("labels on $name", (database: TestDatabase) => {
  let t: TestApp;
  let dispose: () => Promise<void>;
  const tokens: Record<Who, string> = { admin: "", ayse: "", bora: "" };
  const rows = {} as Record<Who, AgentRow>;

  const call = (who: Who, method: "GET" | "POST" | "PATCH" | "DELETE", url: string, payload?: object) =>
    t.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[who]}` }, ...(payload ? { payload } : {}) });
  const errorOf = (res: { statusCode: number; json(): unknown }) => ({ status: res.statusCode, id: (res.json() as { error: { id: string } }).error.id });
  const createLabel = async (name: string, colour = "#2f80ed") => {
    const res = await call("admin", "POST", "/api/labels", { name, colour });
    expect(res.statusCode, res.body).toBe(201);
    return (res.json() as { label: LabelView }).label;
  };
  const catalogue = async (who: Who = "ayse") => {
    const res = await call(who, "GET", "/api/labels");
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { labels: LabelView[] }).labels;
  };

  let seeded = 0;
  /** A conversation straight in the database, its activity `seeded` ms after the epoch so the order is known. */
  const seedConversation = async (options: { status?: "open" | "pending" | "resolved"; assignee?: string | null; inbox?: string; at?: number } = {}) => {
    const at = options.at ?? 1_700_000_000_000 + ++seeded * 1000;
    const visitorId = randomUUID();
    await insertVisitor(t.deps.domain.db, {
      id: visitorId,
      token_hash: randomUUID(),
      name: `Visitor ${seeded}`,
      email: null,
      phone: null,
      language: "tr",
      user_agent: null,
      page_url: null,
      page_title: null,
      first_seen_at: at,
      last_seen_at: at,
      metadata: null,
    });
    const id = randomUUID();
    await insertConversation(t.deps.domain.db, {
      id,
      visitor_id: visitorId,
      status: options.status ?? "open",
      assignee_id: options.assignee ?? null,
      page_url: null,
      last_seq: 0,
      last_message_at: at,
      last_message_preview: null,
      last_message_author: null,
      visitor_delivered_seq: 0,
      visitor_read_seq: 0,
      agent_delivered_seq: 0,
      agent_read_seq: 0,
      unread_for_agents: 0,
      created_at: at,
      updated_at: at,
      resolved_at: options.status === "resolved" ? at : null,
      email_notified_seq: 0,
      inbox_id: options.inbox ?? "default",
    });
    return id;
  };
  const label = async (who: Who, conversationId: string, labelId: string) => {
    const res = await call(who, "POST", `/api/conversations/${conversationId}/labels`, { labelId });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { labels: LabelView[] }).labels;
  };
  const unlabel = async (who: Who, conversationId: string, labelId: string) => {
    const res = await call(who, "DELETE", `/api/conversations/${conversationId}/labels/${labelId}`);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { labels: LabelView[] }).labels;
  };
  /** Every page of the list under `query`, following the cursor; the ids in order. */
  const listAll = async (who: Who, query: string, limit = 2) => {
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 50; pages++) {
      const res = await call(who, "GET", `/api/conversations?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json() as Page;
      expect(page.conversations.length).toBeLessThanOrEqual(limit);
      ids.push(...page.conversations.map((c) => c.id));
      cursor = page.nextCursor;
      if (!cursor) return ids;
    }
    throw new Error("the cursor never ended");
  };

  beforeAll(async () => {
    const db = await database.open();
    dispose = db.dispose;
    t = await startTestApp({ database: db });
    await addAgent(t.deps, "admin", { admin: true });
    await addAgent(t.deps, "ayse");
    await addAgent(t.deps, "bora");
    for (const name of ["admin", "ayse", "bora"] as const) {
      rows[name] = (await findAgentByUsername(t.deps.domain.db, name))!;
      tokens[name] = (await startSession(t.deps.domain, rows[name], { ip: null, userAgent: null })).accessToken;
    }
  });
  afterAll(async () => {
    await t?.close();
    await dispose?.();
  });

  it("lets admins create, rename, recolour and delete labels, every agent read them, and audits each change", async () => {
    const billing = await createLabel("  Fatura   itirazı ", "#EB5757");
    expect(billing).toEqual({ id: billing.id, name: "Fatura itirazı", colour: "#eb5757" });
    const vip = await createLabel("VIP", "#27ae60");
    expect((await catalogue("bora")).map((l) => l.name)).toEqual(["Fatura itirazı", "VIP"]);

    const renamed = await call("admin", "PATCH", `/api/labels/${vip.id}`, { name: "Önemli müşteri" });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect((renamed.json() as { label: LabelView }).label).toEqual({ id: vip.id, name: "Önemli müşteri", colour: "#27ae60" });
    const recoloured = await call("admin", "PATCH", `/api/labels/${vip.id}`, { colour: "#000000" });
    expect((recoloured.json() as { label: LabelView }).label.colour).toBe("#000000");

    const removed = await call("admin", "DELETE", `/api/labels/${billing.id}`);
    expect(removed.statusCode).toBe(204);
    expect((await catalogue()).map((l) => l.name)).toEqual(["Önemli müşteri"]);

    const audit = await listAudit(t.deps.domain.db, { limit: 20, actorId: rows.admin.id });
    const labelLines = audit.filter((a) => a.action.startsWith("label.")).map((a) => [a.action, a.target_id]);
    expect(labelLines).toEqual([
      ["label.delete", billing.id],
      ["label.update", vip.id],
      ["label.update", vip.id],
      ["label.create", vip.id],
      ["label.create", billing.id],
    ]);
    const rename = audit.find((a) => a.action === "label.update" && String(a.details).includes("previousName"));
    expect(JSON.parse(String(rename?.details))).toMatchObject({ name: "Önemli müşteri", previousName: "VIP" });
  });

  it("refuses agents, duplicate names ignoring case (Turkish i's too), and bad input, with stable ids", async () => {
    expect(errorOf(await call("ayse", "POST", "/api/labels", { name: "Mine", colour: "#111111" }))).toEqual({ status: 403, id: "admin_only" });
    const iade = await createLabel("İade");
    expect(errorOf(await call("ayse", "PATCH", `/api/labels/${iade.id}`, { name: "x" }))).toEqual({ status: 403, id: "admin_only" });
    expect(errorOf(await call("ayse", "DELETE", `/api/labels/${iade.id}`))).toEqual({ status: 403, id: "admin_only" });

    for (const name of ["iade", "IADE", " İADE ", "ıade"]) {
      expect(errorOf(await call("admin", "POST", "/api/labels", { name, colour: "#111111" })), name).toEqual({ status: 409, id: "label_name_taken" });
    }
    const other = await createLabel("Kargo");
    expect(errorOf(await call("admin", "PATCH", `/api/labels/${other.id}`, { name: "IADE" }))).toEqual({ status: 409, id: "label_name_taken" });
    // Renaming to its own name in another case is not a clash with itself.
    expect((await call("admin", "PATCH", `/api/labels/${other.id}`, { name: "KARGO" })).statusCode).toBe(200);

    expect(errorOf(await call("admin", "POST", "/api/labels", { name: "   ", colour: "#111111" }))).toEqual({ status: 400, id: "label_name_empty" });
    expect(errorOf(await call("admin", "POST", "/api/labels", { name: "x".repeat(41), colour: "#111111" }))).toEqual({ status: 400, id: "label_name_too_long" });
    expect((await call("admin", "POST", "/api/labels", { name: "Red", colour: "red" })).statusCode).toBe(400);
    expect((await call("admin", "POST", "/api/labels", { name: "Red" })).statusCode).toBe(400);
    expect((await call("admin", "PATCH", `/api/labels/${other.id}`, { name: "Y", extra: 1 })).statusCode).toBe(400);
    expect(errorOf(await call("admin", "PATCH", `/api/labels/${randomUUID()}`, { name: "Gone" }))).toEqual({ status: 404, id: "label_not_found" });
    expect(errorOf(await call("admin", "DELETE", `/api/labels/${randomUUID()}`))).toEqual({ status: 404, id: "label_not_found" });
    expect((await call("admin", "DELETE", "/api/labels/not-a-uuid")).statusCode).toBe(400);
  });

  it("puts labels on a conversation and takes them off, on its timeline with who did it, once each", async () => {
    const urgent = await createLabel("Acil", "#ff0000");
    const sales = await createLabel("Satış", "#00ff00");
    const id = await seedConversation();

    expect((await label("ayse", id, urgent.id)).map((l) => l.name)).toEqual(["Acil"]);
    expect((await label("bora", id, sales.id)).map((l) => l.name)).toEqual(["Acil", "Satış"]);
    // Again: nothing changes and nothing more is recorded.
    expect((await label("bora", id, sales.id)).map((l) => l.name)).toEqual(["Acil", "Satış"]);
    expect((await unlabel("ayse", id, urgent.id)).map((l) => l.name)).toEqual(["Satış"]);
    expect((await unlabel("ayse", id, urgent.id)).map((l) => l.name)).toEqual(["Satış"]);

    const details = await call("ayse", "GET", `/api/conversations/${id}`);
    expect((details.json() as { conversation: ConversationSummary }).conversation.labels).toEqual([sales]);

    const timeline = (await call("bora", "GET", `/api/conversations/${id}/timeline`)).json() as TimelineResponse;
    expect(timeline.events.map((e) => [e.kind, e.actor.name, e.label?.name])).toEqual([
      ["labeled", "Agent ayse", "Acil"],
      ["labeled", "Agent bora", "Satış"],
      ["unlabeled", "Agent ayse", "Acil"],
    ]);
    expect(await eventsOfConversation(t.deps.domain.db, id)).toHaveLength(3);

    // A deleted label leaves the conversation, and its timeline keeps the name it had.
    await call("admin", "DELETE", `/api/labels/${sales.id}`);
    const after = (await call("ayse", "GET", `/api/conversations/${id}`)).json() as { conversation: ConversationSummary };
    expect(after.conversation.labels).toEqual([]);
    const kept = (await call("ayse", "GET", `/api/conversations/${id}/timeline`)).json() as TimelineResponse;
    expect(kept.events[1]?.label).toEqual({ id: sales.id, name: "Satış", colour: "#00ff00" });

    expect(errorOf(await call("ayse", "POST", `/api/conversations/${id}/labels`, { labelId: sales.id }))).toEqual({ status: 404, id: "label_not_found" });
    expect(errorOf(await call("ayse", "POST", `/api/conversations/${randomUUID()}/labels`, { labelId: urgent.id }))).toEqual({ status: 404, id: "conversation_not_found" });
    expect((await call("ayse", "POST", `/api/conversations/${id}/labels`, { labelId: "acil" })).statusCode).toBe(400);
    expect((await call("ayse", "POST", `/api/conversations/${id}/labels`, {})).statusCode).toBe(400);
    expect((await t.app.inject({ method: "POST", url: `/api/conversations/${id}/labels`, payload: { labelId: urgent.id } })).statusCode).toBe(401);
  });

  it("filters the list by status, assignee, inbox and label together, and pages each filtered view with its cursor", async () => {
    const now = Date.now();
    await t.deps.domain.db.insertInto("inboxes").values({ id: "shop", name: "Shop", settings: "{}", created_at: now, updated_at: now }).execute();
    // Both agents work both websites (new agents join the default inbox by themselves).
    await t.deps.domain.db.insertInto("inbox_members").values({ inbox_id: "shop", agent_id: rows.ayse.id, created_at: now }).execute();
    await t.deps.domain.db.insertInto("inbox_members").values({ inbox_id: "shop", agent_id: rows.bora.id, created_at: now }).execute();
    const refund = await createLabel("Refund filter", "#123456");
    const other = await createLabel("Other filter", "#654321");

    // Twelve conversations in a known order (newest last), spread over every dimension.
    const spec = [
      { status: "open", assignee: "ayse", inbox: "shop", labels: [refund] },
      { status: "open", assignee: null, inbox: "default", labels: [refund] },
      { status: "pending", assignee: "bora", inbox: "shop", labels: [refund, other] },
      { status: "resolved", assignee: "ayse", inbox: "default", labels: [refund] },
      { status: "open", assignee: "ayse", inbox: "shop", labels: [other] },
      { status: "open", assignee: "ayse", inbox: "shop", labels: [refund] },
      { status: "resolved", assignee: null, inbox: "shop", labels: [] },
      { status: "open", assignee: "bora", inbox: "default", labels: [refund] },
      { status: "open", assignee: "ayse", inbox: "shop", labels: [refund] },
      { status: "pending", assignee: null, inbox: "default", labels: [refund] },
      { status: "open", assignee: "ayse", inbox: "default", labels: [refund] },
      { status: "resolved", assignee: "bora", inbox: "shop", labels: [refund] },
    ] as const;
    const base = 1_800_000_000_000;
    const seededIds: string[] = [];
    for (const [i, s] of spec.entries()) {
      const id = await seedConversation({ status: s.status, assignee: s.assignee ? rows[s.assignee].id : null, inbox: s.inbox, at: base + (i % 3 === 0 ? 0 : i) * 1000 });
      for (const l of s.labels) await label("bora", id, l.id);
      seededIds.push(id);
    }
    // The list's order: newest activity first, ties by id (descending), as the server pages them.
    const position = (i: number) => base + (i % 3 === 0 ? 0 : i) * 1000;
    const expected = (keep: (s: (typeof spec)[number]) => boolean) =>
      spec
        .map((s, i) => ({ s, id: seededIds[i]!, at: position(i) }))
        .filter(({ s }) => keep(s))
        .sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1))
        .map(({ id }) => id);
    const ours = (ids: string[]) => ids.filter((id) => seededIds.includes(id));

    const byRefund = `label=${refund.id}`;
    expect(ours(await listAll("ayse", `status=all&${byRefund}`))).toEqual(expected((s) => s.labels.some((l) => l.id === refund.id)));
    expect(ours(await listAll("ayse", `status=open&${byRefund}`))).toEqual(expected((s) => s.status === "open" && s.labels.some((l) => l.id === refund.id)));
    expect(await listAll("ayse", `status=open&assignee=me&inbox=shop&${byRefund}`)).toEqual(
      expected((s) => s.status === "open" && s.assignee === "ayse" && s.inbox === "shop" && s.labels.some((l) => l.id === refund.id)),
    );
    expect(await listAll("ayse", `status=all&assignee=${rows.bora.id}&${byRefund}`, 1)).toEqual(
      expected((s) => s.assignee === "bora" && s.labels.some((l) => l.id === refund.id)),
    );
    expect(ours(await listAll("ayse", "status=all&assignee=unassigned&inbox=default", 3))).toEqual(expected((s) => s.assignee === null && s.inbox === "default"));
    expect(await listAll("bora", `status=pending&label=${other.id}`)).toEqual(expected((s) => s.status === "pending" && s.labels.some((l) => l.id === other.id)));
    expect(await listAll("ayse", "status=resolved&inbox=shop")).toEqual(expected((s) => s.status === "resolved" && s.inbox === "shop"));
    // Nothing matches: an empty page, no cursor.
    expect(await listAll("ayse", `status=resolved&assignee=me&label=${other.id}`)).toEqual([]);
    expect(await listAll("ayse", `label=${randomUUID()}`)).toEqual([]);
    expect(await listAll("ayse", "inbox=nowhere")).toEqual([]);

    // The listed summaries carry their labels.
    const first = (await call("ayse", "GET", `/api/conversations?status=pending&assignee=${rows.bora.id}&inbox=shop`)).json() as Page;
    expect(first.conversations.map((c) => c.labels.map((l) => l.name))).toEqual([["Other filter", "Refund filter"]]);

    for (const bad of ["status=closed", "assignee=someone", "label=refund", "inbox=", `inbox=${"x".repeat(101)}`]) {
      const res = await call("ayse", "GET", `/api/conversations?${bad}`);
      expect(res.statusCode, bad).toBe(400);
    }
  });

  it("offers the inboxes the agent sees, the labels and the enabled team as filter options", async () => {
    const options = async (who: Who) => {
      const res = await call(who, "GET", "/api/conversations/filters");
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as FilterOptions;
    };
    const admin = await options("admin");
    expect(admin.inboxes.map((i) => i.id).sort()).toEqual(["default", "shop"]);
    // An agent is offered only the inboxes they are a member of.
    await t.deps.domain.db.deleteFrom("inbox_members").where("agent_id", "=", rows.ayse.id).where("inbox_id", "=", "default").execute();
    await t.deps.domain.db.deleteFrom("inbox_members").where("agent_id", "=", rows.bora.id).execute();
    expect((await options("ayse")).inboxes.map((i) => i.id)).toEqual(["shop"]);
    expect((await options("bora")).inboxes).toEqual([]);
    expect(admin.labels).toEqual(await catalogue());
    expect(admin.agents.map((a) => a.name).sort()).toEqual(["Agent admin", "Agent ayse", "Agent bora"]);
  });
});
