import type { Socket } from "socket.io-client";
import { expect } from "vitest";
import { createApiToken } from "../../src/domain/apiTokens.ts";
import { API_SCOPES } from "../../src/protocol/apiTokens.ts";
import { newClientId, newVisitorToken, openSocket, request } from "./chatClients.ts";
import type { TestDatabase } from "./databases.ts";
import { connectAgent, type SecurityStage, signedInAgent, startSecurityStage } from "./security.ts";

// The stage both fuzz files share: the app on a real database, a signed-in agent and admin, a
// visitor with a conversation and a queued call (real ids for payloads), and the check that the
// process still serves after a run.

/** `api` holds an API token with every scope (owned by an admin), so the /api/v1 routes are fuzzed past authentication. */
export type FuzzRole = "anonymous" | "visitor" | "agent" | "admin" | "api";
export const FUZZ_ROLES: FuzzRole[] = ["anonymous", "visitor", "agent", "admin", "api"];

// No payload with a `__proto__` or `constructor` key may pollute the prototypes.
const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort();

export interface FuzzStage {
  stage: SecurityStage;
  tokens: Record<Exclude<FuzzRole, "anonymous">, string>;
  /** A conversation id, then a call id, of the visitor. */
  knownIds: string[];
  /** The visitor's socket, reconnected if a fuzzed payload got it closed. */
  visitorSocket(): Promise<Socket>;
  /** The agent's socket, reconnected (with a fresh sign-in if need be) when closed. */
  agentSocket(): Promise<Socket>;
  /** The agent or admin signed out everywhere (a fuzzed request did it): sign that role in again. */
  signInAgain(role: "agent" | "admin"): Promise<void>;
  /** The process still serves (a real HTTP request, not inject()) and its prototypes are untouched. */
  healthAnswers(): Promise<void>;
  close(): Promise<void>;
}

async function visitorIdOf(stage: SecurityStage, conversationId: string): Promise<string> {
  const row = await stage.deps.domain.db.selectFrom("conversations").select("visitor_id").where("id", "=", conversationId).executeTakeFirstOrThrow();
  return row.visitor_id;
}

export async function startFuzzStage(database: TestDatabase): Promise<FuzzStage> {
  const stage = await startSecurityStage(database);
  const admin = await signedInAgent(stage, { admin: true });
  const apiActor = { type: "agent" as const, agentId: admin.agent.id, sessionId: "fuzz", role: "admin" as const };
  const api = (await createApiToken(stage.deps.domain, apiActor, { name: "Fuzz", scopes: [...API_SCOPES] })).token;
  const tokens = { visitor: newVisitorToken(), agent: (await signedInAgent(stage)).accessToken, admin: admin.accessToken, api };
  let visitor = await openSocket(`${stage.url}/visitor`, { visitorToken: tokens.visitor });
  let agent = await connectAgent(stage, tokens.agent);
  const sent = await request<{ message: { conversationId: string } }>(visitor, "message:send", { clientId: newClientId(), body: "hello" });
  const started = await request<{ call: { id: string } }>(visitor, "call:start", { media: "audio" });
  // A real label, so fuzzed label routes also reach one that exists.
  const labelled = await fetch(`${stage.url}/api/labels`, {
    method: "POST",
    headers: { authorization: `Bearer ${tokens.admin}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "Fuzz", colour: "#2f80ed" }),
  });
  if (labelled.status !== 201) throw new Error(`the fuzz stage could not create a label: ${labelled.status}`);
  const label = (await labelled.json()) as { label: { id: string } };
  const signInAgain = async (role: "agent" | "admin") => {
    tokens[role] = (await signedInAgent(stage, { admin: role === "admin" })).accessToken;
  };
  return {
    stage,
    tokens,
    // The visitor's id too, so contact routes (`/api/contacts/:id`) meet a real contact.
    knownIds: [sent.message.conversationId, started.call.id, await visitorIdOf(stage, sent.message.conversationId), label.label.id],
    async visitorSocket() {
      if (!visitor.connected) visitor = await openSocket(`${stage.url}/visitor`, { visitorToken: tokens.visitor });
      return visitor;
    },
    async agentSocket() {
      if (agent.connected) return agent;
      agent = await connectAgent(stage, tokens.agent).catch(async () => {
        await signInAgain("agent");
        return connectAgent(stage, tokens.agent);
      });
      return agent;
    },
    signInAgain,
    async healthAnswers() {
      const res = await fetch(`${stage.url}/health`);
      expect(res.status).toBe(200);
      expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_KEYS);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
    async close() {
      visitor.disconnect();
      agent.disconnect();
      await stage.close();
    },
  };
}
