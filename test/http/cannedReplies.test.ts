import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentRow } from "../../src/adapters/db/repositories/agents.ts";
import { listAudit } from "../../src/adapters/db/repositories/audit.ts";
import type { CannedReplyView } from "../../src/protocol/cannedReplies.ts";
import { type TestDatabase, testDatabases } from "../support/databases.ts";
import { type TestApp, startTestAppOn, addAgentWithSession } from "../support/testApp.ts";

// Canned replies over HTTP: who sees and changes which, validation with stable ids, and the audit log.

describe.each(testDatabases())("canned replies on $name", (database: TestDatabase) => {
  let t: TestApp;
  const tokens: Record<"admin" | "ayse" | "bora", string> = { admin: "", ayse: "", bora: "" };
  const rows: Partial<Record<keyof typeof tokens, AgentRow>> = {};

  const call = (who: keyof typeof tokens, method: "GET" | "POST" | "PATCH" | "DELETE", url: string, payload?: object) =>
    t.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[who]}` }, ...(payload ? { payload } : {}) });
  const list = async (who: keyof typeof tokens, q = "") => {
    const res = await call(who, "GET", `/api/canned-replies${q ? `?q=${encodeURIComponent(q)}` : ""}`);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { cannedReplies: CannedReplyView[] }).cannedReplies;
  };
  const create = async (who: keyof typeof tokens, body: object) => {
    const res = await call(who, "POST", "/api/canned-replies", body);
    expect(res.statusCode, res.body).toBe(201);
    return (res.json() as { cannedReply: CannedReplyView }).cannedReply;
  };
  const errorOf = (res: { statusCode: number; json(): unknown }) => ({ status: res.statusCode, id: (res.json() as { error: { id: string } }).error.id });

  beforeAll(async () => {
    t = await startTestAppOn(database);
    for (const name of ["admin", "ayse", "bora"] as const) {
      const agent = await addAgentWithSession(t.deps, name, { admin: name === "admin" });
      rows[name] = agent.row;
      tokens[name] = agent.accessToken;
    }
  });
  afterAll(() => t?.close());

  it("shows shared replies to everyone and personal ones to their owner only", async () => {
    const shared = await create("admin", { scope: "shared", shortcut: "Greet", text: "Hello {{visitor.name}}, I am {{agent.name}}.\nHow can I help?" });
    expect(shared).toMatchObject({ scope: "shared", shortcut: "greet", editable: true });
    const mine = await create("ayse", { scope: "personal", shortcut: "bye", text: "Goodbye!" });
    // The same shortcut in another scope is fine: each agent's own set and the shared set are separate.
    await create("bora", { scope: "personal", shortcut: "bye", text: "See you" });
    await create("bora", { shortcut: "greet", text: "Bora's own hello" });

    const ayseSees = await list("ayse");
    expect(ayseSees.map((r) => [r.shortcut, r.scope, r.editable])).toEqual([["bye", "personal", true], ["greet", "shared", false]]);
    expect(ayseSees.find((r) => r.id === mine.id)?.text).toBe("Goodbye!");
    const adminSees = await list("admin");
    expect(adminSees.map((r) => r.shortcut)).toEqual(["greet"]);
    expect(adminSees[0]?.editable).toBe(true);
    expect((await list("bora")).map((r) => `${r.shortcut}:${r.scope}`)).toEqual(["bye:personal", "greet:personal", "greet:shared"]);
  });

  it("searches shortcut and text, ignoring case (Turkish İ and ı included)", async () => {
    await create("ayse", { shortcut: "iade", text: "İade işlemi 3 iş günü sürer." });
    expect((await list("ayse", "İADE")).map((r) => r.shortcut)).toEqual(["iade"]);
    expect((await list("ayse", "IADE")).map((r) => r.shortcut)).toEqual(["iade"]);
    expect((await list("ayse", "İŞLEMİ")).map((r) => r.shortcut)).toEqual(["iade"]);
    expect((await list("ayse", "help")).map((r) => r.shortcut)).toEqual(["greet"]);
    expect(await list("ayse", "nothing like this")).toEqual([]);
  });

  it("lets only admins create and change shared replies, and only owners touch personal ones", async () => {
    expect(errorOf(await call("ayse", "POST", "/api/canned-replies", { scope: "shared", shortcut: "x1", text: "no" }))).toEqual({ status: 403, id: "admin_only" });
    const shared = (await list("ayse")).find((r) => r.scope === "shared")!;
    expect(errorOf(await call("ayse", "PATCH", `/api/canned-replies/${shared.id}`, { text: "changed" }))).toEqual({ status: 403, id: "admin_only" });
    expect(errorOf(await call("ayse", "DELETE", `/api/canned-replies/${shared.id}`))).toEqual({ status: 403, id: "admin_only" });

    const boras = (await list("bora")).find((r) => r.scope === "personal" && r.shortcut === "bye")!;
    // Another's personal reply does not exist for anyone else, admins included.
    for (const who of ["ayse", "admin"] as const) {
      expect(errorOf(await call(who, "PATCH", `/api/canned-replies/${boras.id}`, { text: "mine now" }))).toEqual({ status: 404, id: "canned_reply_not_found" });
      expect(errorOf(await call(who, "DELETE", `/api/canned-replies/${boras.id}`))).toEqual({ status: 404, id: "canned_reply_not_found" });
    }
    expect((await list("bora")).find((r) => r.id === boras.id)?.text).toBe("See you");

    const edited = await call("admin", "PATCH", `/api/canned-replies/${shared.id}`, { shortcut: "hello", text: "Hi {{visitor.name}}!" });
    expect(edited.statusCode, edited.body).toBe(200);
    expect((edited.json() as { cannedReply: CannedReplyView }).cannedReply).toMatchObject({ shortcut: "hello", text: "Hi {{visitor.name}}!" });
    const own = await call("bora", "PATCH", `/api/canned-replies/${boras.id}`, { text: "See you soon" });
    expect(own.statusCode, own.body).toBe(200);
  });

  it("refuses bad input with stable ids and keeps shortcuts unique per scope", async () => {
    const cases: Array<[object, number, string]> = [
      [{ shortcut: "two words", text: "x" }, 400, "invalid_shortcut"],
      [{ shortcut: "ünlü", text: "x" }, 400, "invalid_shortcut"],
      [{ shortcut: "a".repeat(33), text: "x" }, 400, "invalid_shortcut"],
      [{ shortcut: "blank", text: "  \n " }, 400, "empty_canned_reply"],
      [{ shortcut: "typo", text: "Hi {{visitor.nmae}}" }, 400, "unknown_variable"],
      [{ shortcut: "bye", text: "again" }, 409, "shortcut_taken"],
      [{ shortcut: "BYE", text: "again" }, 409, "shortcut_taken"],
    ];
    for (const [body, status, id] of cases) expect(errorOf(await call("ayse", "POST", "/api/canned-replies", body)), JSON.stringify(body)).toEqual({ status, id });
    const bad = await call("ayse", "POST", "/api/canned-replies", { shortcut: "ok", text: "x".repeat(4001) });
    expect(bad.statusCode).toBe(400);
    const iade = (await list("ayse", "iade"))[0]!;
    expect(errorOf(await call("ayse", "PATCH", `/api/canned-replies/${iade.id}`, { shortcut: "bye" }))).toEqual({ status: 409, id: "shortcut_taken" });
    expect((await call("ayse", "PATCH", `/api/canned-replies/${iade.id}`, { scope: "shared" })).statusCode).toBe(400);
    expect(errorOf(await call("ayse", "PATCH", "/api/canned-replies/00000000-0000-4000-8000-000000000000", { text: "x" }))).toEqual({ status: 404, id: "canned_reply_not_found" });
    expect((await call("ayse", "GET", "/api/canned-replies").then((r) => r.statusCode))).toBe(200);
    expect((await t.app.inject({ method: "GET", url: "/api/canned-replies" })).statusCode).toBe(401);
  });

  it("deletes and writes every change to the audit log", async () => {
    const temp = await create("ayse", { shortcut: "temp", text: "short-lived" });
    const res = await call("ayse", "DELETE", `/api/canned-replies/${temp.id}`);
    expect(res.statusCode, res.body).toBe(204);
    expect((await list("ayse")).some((r) => r.id === temp.id)).toBe(false);
    const entries = await listAudit(t.deps.domain.db, { limit: 100, actorId: rows.ayse!.id });
    const actions = entries.filter((e) => e.target_id === temp.id).map((e) => e.action).sort();
    expect(actions).toEqual(["canned_reply.create", "canned_reply.delete"]);
    const adminEdits = await listAudit(t.deps.domain.db, { limit: 100, actorId: rows.admin!.id, action: "canned_reply.update" });
    expect(adminEdits).toHaveLength(1);
    expect(JSON.parse(String(adminEdits[0]?.details))).toMatchObject({ scope: "shared", shortcut: "hello", previousShortcut: "greet", textChanged: true });
  });
});
