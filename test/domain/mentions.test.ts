import { describe, expect, it } from "vitest";
import type { AgentRow } from "../../src/adapters/db/repositories/agents.ts";
import { mentionedAgents } from "../../src/domain/chat/timeline.ts";

const agent = (id: string, username: string, disabled = false): AgentRow => ({
  id,
  username,
  name: `Agent ${username}`,
  password_hash: "",
  role: "agent",
  telegram_chat_id: null,
  totp_secret: null,
  totp_pending_secret: null,
  totp_last_step: null,
  language: null,
  created_at: 0,
  updated_at: 0,
  disabled_at: disabled ? 1 : null,
  last_login_at: null,
  status: "online",
  status_changed_at: null,
  last_auto_assigned_at: null,
  unavailable_since: null,
});

const team = [agent("1", "ece"), agent("2", "deniz"), agent("3", "gone", true), agent("4", "şule"), agent("5", "me")];
const names = (body: string) => mentionedAgents(body, team, "5").map((a) => a.username);

describe("mentions in a note", () => {
  it("finds @username tokens, case-insensitively, at the start, after spaces and before punctuation", () => {
    expect(names("@Ece look at this, and @deniz.")).toEqual(["ece", "deniz"]);
    expect(names("(@şule) please")).toEqual(["şule"]);
  });

  it("ignores e-mail addresses, unknown and disabled agents, and the author", () => {
    expect(names("mail ece@deniz.example or @nobody, @gone, @me")).toEqual([]);
  });

  it("mentions an agent once however often they are named", () => {
    expect(names("@ece @ece @ECE")).toEqual(["ece"]);
  });
});
