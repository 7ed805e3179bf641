import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, migrateToLatest } from "../../../src/adapters/db/database.ts";
import * as agents from "../../../src/adapters/db/repositories/agents.ts";
import * as audit from "../../../src/adapters/db/repositories/audit.ts";
import * as challenges from "../../../src/adapters/db/repositories/challenges.ts";
import * as outbox from "../../../src/adapters/db/repositories/outbox.ts";
import * as sessions from "../../../src/adapters/db/repositories/sessions.ts";
import { testDatabases } from "../../support/databases.ts";

const TABLES = [
  "agents", "agent_sessions", "refresh_tokens", "otp_challenges", "one_time_tokens", "visitors", "conversations",
  "messages", "attachments", "calls", "recordings", "call_counters", "telegram_messages", "outbox", "audit_log",
];

function agentRow(username: string): agents.AgentRow {
  return {
    id: randomUUID(), username, name: `Name ${username}`, password_hash: "hash", role: "agent", telegram_chat_id: null,
    totp_secret: null, totp_pending_secret: null, totp_last_step: null, language: null, created_at: 1000, updated_at: 1000,
    disabled_at: null, last_login_at: null, status: "online", status_changed_at: null, last_auto_assigned_at: null, unavailable_since: null,
  };
}

describe.each(testDatabases())("migrations and repositories on $name", (database) => {
  let handle: DatabaseHandle & { dispose(): Promise<void> };
  beforeAll(async () => {
    handle = await database.open();
  });
  afterAll(() => handle.dispose());

  it("creates every table of the product, and re-running is a no-op", async () => {
    const tables = (await handle.db.introspection.getTables()).map((t) => t.name);
    for (const table of TABLES) expect(tables).toContain(table);
    expect(await migrateToLatest(handle)).toEqual([]);
  });

  it("stores agents, keeps usernames unique and reads epoch-ms times as numbers", async () => {
    const row = agentRow("zeynep");
    await agents.insertAgent(handle.db, row);
    await expect(agents.insertAgent(handle.db, { ...agentRow("zeynep") })).rejects.toThrow();
    const found = await agents.findAgentByUsername(handle.db, "zeynep");
    expect(found).toEqual(row);
    expect(typeof found?.created_at).toBe("number");
    expect(await agents.countAgents(handle.db)).toBeGreaterThanOrEqual(1);
    expect(await agents.updateAgent(handle.db, row.id, { telegram_chat_id: "-100123", updated_at: 2000 })).toBe(true);
    expect((await agents.findAgentByTelegramChat(handle.db, "-100123"))?.id).toBe(row.id);
    expect((await agents.listAgents(handle.db)).map((a) => a.username)).toContain("zeynep");
  });

  it("accepts each TOTP time step only once and only forwards", async () => {
    const row = agentRow("totpuser");
    await agents.insertAgent(handle.db, row);
    expect(await agents.advanceTotpStep(handle.db, row.id, 100)).toBe(true);
    expect(await agents.advanceTotpStep(handle.db, row.id, 100)).toBe(false);
    expect(await agents.advanceTotpStep(handle.db, row.id, 99)).toBe(false);
    expect(await agents.advanceTotpStep(handle.db, row.id, 101)).toBe(true);
  });

  it("marks a refresh token used exactly once and revokes sessions", async () => {
    const agent = agentRow("sessionuser");
    await agents.insertAgent(handle.db, agent);
    const sessionId = randomUUID();
    await sessions.insertSession(handle.db, { id: sessionId, agent_id: agent.id, created_at: 1, expires_at: 10_000, last_used_at: 1, revoked_at: null, revoked_reason: null, ip: "1.2.3.4", user_agent: null });
    await sessions.insertRefreshToken(handle.db, { token_hash: "h1", session_id: sessionId, created_at: 1, used_at: null });
    const [first, second] = await Promise.all([sessions.markRefreshTokenUsed(handle.db, "h1", 5), sessions.markRefreshTokenUsed(handle.db, "h1", 6)]);
    expect([first, second].filter(Boolean)).toHaveLength(1);
    expect((await sessions.findRefreshToken(handle.db, "h1"))?.used_at).toBeTypeOf("number");
    expect((await sessions.findSessionWithAgent(handle.db, sessionId))?.agent.id).toBe(agent.id);
    expect(await sessions.revokeAgentSessions(handle.db, agent.id, 7, "test")).toBe(1);
    expect(await sessions.revokeAgentSessions(handle.db, agent.id, 8, "test")).toBe(0);
    expect((await sessions.findSession(handle.db, sessionId))?.revoked_reason).toBe("test");
  });

  it("keeps one live login code per agent and counts wrong tries atomically", async () => {
    const agent = agentRow("otpuser");
    await agents.insertAgent(handle.db, agent);
    const code = (id: string, at: number) => ({ id, agent_id: agent.id, code_hash: `hash-${id}`, ip: null, created_at: at, expires_at: at + 300_000, attempts: 0, consumed_at: null });
    await challenges.replaceOtpChallenge(handle.db, code("c1", 1));
    await challenges.replaceOtpChallenge(handle.db, code("c2", 1));
    expect((await challenges.findActiveOtpChallenge(handle.db, agent.id))?.id).toBe("c2");
    const counts = await Promise.all([1, 2, 3].map(() => challenges.countOtpFailure(handle.db, "c2")));
    expect(Math.max(...(counts as number[]))).toBe(3);
    expect(await challenges.consumeOtpChallenge(handle.db, "c2", 10, 3)).toBe(false); // locked at 3
    expect(await challenges.consumeOtpChallenge(handle.db, "c2", 10, 5)).toBe(true);
    expect(await challenges.consumeOtpChallenge(handle.db, "c2", 11, 5)).toBe(false);
    expect(await challenges.findActiveOtpChallenge(handle.db, agent.id)).toBeUndefined();
  });

  it("uses a one-time token once, and never after it expires", async () => {
    const row = { token_hash: "t1", purpose: "setup" as const, agent_id: null, created_at: 0, expires_at: 100, used_at: null };
    await challenges.insertOneTimeToken(handle.db, row);
    await challenges.insertOneTimeToken(handle.db, { ...row, token_hash: "t2" });
    expect(await challenges.consumeOneTimeToken(handle.db, "t1", "telegram_link", 50)).toBeUndefined();
    expect((await challenges.consumeOneTimeToken(handle.db, "t1", "setup", 50))?.used_at).toBe(50);
    expect(await challenges.consumeOneTimeToken(handle.db, "t1", "setup", 51)).toBeUndefined();
    expect(await challenges.consumeOneTimeToken(handle.db, "t2", "setup", 100)).toBeUndefined();
    await challenges.insertOneTimeToken(handle.db, { ...row, token_hash: "t3", expires_at: 1000 });
    await challenges.expireOneTimeTokens(handle.db, "setup", null, 60);
    expect(await challenges.consumeOneTimeToken(handle.db, "t3", "setup", 61)).toBeUndefined();
  });

  it("appends to the audit log and lists newest first", async () => {
    await audit.insertAudit(handle.db, { at: 1, actor_type: "system", actor_id: null, action: "test.first", target_type: null, target_id: null, ip: null });
    await audit.insertAudit(handle.db, { at: 2, actor_type: "anonymous", actor_id: null, action: "test.second", target_type: "agent", target_id: "x", ip: "::1", details: { n: 1 } });
    const rows = await audit.listAudit(handle.db, { limit: 10 });
    expect(rows.slice(0, 2).map((r) => r.action)).toEqual(["test.second", "test.first"]);
    expect(JSON.parse(rows[0]!.details!)).toEqual({ n: 1 });
    expect(await audit.listAudit(handle.db, { limit: 10, action: "test.first" })).toHaveLength(1);
  });

  it("queues outbox rows and counts the pending ones", async () => {
    const before = await outbox.countPendingOutbox(handle.db);
    await handle.db.transaction().execute(async (trx) => {
      await outbox.enqueueOutbox(trx, "telegram.text", { chatId: "1", text: "hi" }, 5);
    });
    expect(await outbox.countPendingOutbox(handle.db)).toBe(before + 1);
    // A rolled-back transaction leaves no notification behind.
    await expect(
      handle.db.transaction().execute(async (trx) => {
        await outbox.enqueueOutbox(trx, "telegram.text", {}, 6);
        throw new Error("rollback");
      }),
    ).rejects.toThrow("rollback");
    expect(await outbox.countPendingOutbox(handle.db)).toBe(before + 1);
  });
});
