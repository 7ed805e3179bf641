import type { Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { createCannedReply } from "../../src/domain/cannedReplies.ts";
import type { MessageView } from "../../src/protocol/chat.ts";
import { newClientId, newVisitorToken, nextEvent, openSocket, request } from "../support/chatClients.ts";
import type { FakeTelegram } from "../support/fakeTelegram.ts";
import { addAgent, startTestServer, type TestServer } from "../support/testApp.ts";

const TEAM_CHAT = -100777;
const AGENT_USER = 5151;

// `/c <shortcut>` sent in Telegram as a reply to a bridged post, through the fake Bot API server.
describe("canned replies from Telegram", () => {
  let t: TestServer;
  let telegram: FakeTelegram;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await startTestServer({ env: { TELEGRAM_ADMIN_CHAT_ID: String(TEAM_CHAT), TELEGRAM_ALERT_FLOOD_PER_MINUTE: "1000" } });
    telegram = t.telegram;
    await addAgent(t.deps, "selin", { telegramChatId: String(AGENT_USER) });
    await addAgent(t.deps, "boss", { admin: true });
    const selin = (await findAgentByUsername(t.deps.domain.db, "selin"))!;
    const boss = (await findAgentByUsername(t.deps.domain.db, "boss"))!;
    const admin = { type: "agent" as const, agentId: boss.id, sessionId: "s", role: "admin" as const };
    const agent = { type: "agent" as const, agentId: selin.id, sessionId: "s", role: "agent" as const };
    await createCannedReply(t.deps.domain, admin, { scope: "shared", shortcut: "greet", text: "Hello {{visitor.name}}, I am {{agent.name}}.\nHow can I help?" });
    await createCannedReply(t.deps.domain, admin, { scope: "shared", shortcut: "greeting-long", text: "Good day!" });
    await createCannedReply(t.deps.domain, agent, { scope: "personal", shortcut: "bye", text: "Bye {{visitor.name}}!" });
    await t.deps.telegram!.start(t.deps);
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });
  afterAll(() => t.close());

  const visitorAsking = async (name: string | undefined, body: string) => {
    const socket = await openSocket(`${t.url}/visitor`, { visitorToken: newVisitorToken() });
    sockets.push(socket);
    if (name) await request(socket, "profile:update", { name });
    await request(socket, "message:send", { clientId: newClientId(), body });
    const alert = await telegram.waitForSent((m) => String(m.chat_id) === String(TEAM_CHAT) && String(m.text).includes(body));
    return { socket, alert };
  };

  it("sends the expanded shared reply to the visitor of the post, as that agent", async () => {
    const { socket, alert } = await visitorAsking("Zeynep", "need help with my order");
    const arrived = nextEvent<MessageView>(socket, "message:new");
    telegram.pushReply(TEAM_CHAT, AGENT_USER, alert.message_id, { text: "/c greet" });
    expect(await arrived).toMatchObject({
      body: "Hello Zeynep, I am Agent selin.\nHow can I help?",
      via: "telegram",
      author: { type: "agent", name: "Agent selin" },
    });
  });

  it("uses the agent's personal replies and leaves out a missing visitor name", async () => {
    const { socket, alert } = await visitorAsking(undefined, "thanks, that is all");
    const arrived = nextEvent<MessageView>(socket, "message:new");
    telegram.pushReply(TEAM_CHAT, AGENT_USER, alert.message_id, { text: "/c BYE" });
    expect((await arrived).body).toBe("Bye!");
  });

  it("answers an unknown shortcut with close matches and sends the visitor nothing", async () => {
    const { socket, alert } = await visitorAsking("Deniz", "hello?");
    const received: MessageView[] = [];
    socket.on("message:new", (m: MessageView) => received.push(m));
    telegram.pushReply(TEAM_CHAT, AGENT_USER, alert.message_id, { text: "/c gret" });
    const answer = await telegram.waitForSent((m) => String(m.chat_id) === String(TEAM_CHAT) && String(m.text).includes('"gret"'));
    expect(answer.text).toContain("/c greet");
    expect(answer.text).not.toContain("/c bye");
    // Without a reply to a post, the bot says how the command is used.
    telegram.pushMessage(AGENT_USER, "/c greet");
    await telegram.waitForSent((m) => String(m.chat_id) === String(AGENT_USER) && String(m.text).includes("/c <"));
    // The marker: a good shortcut after the typo is the first thing the visitor receives.
    const marker = nextEvent<MessageView>(socket, "message:new");
    telegram.pushReply(TEAM_CHAT, AGENT_USER, alert.message_id, { text: "/c greeting-long" });
    expect((await marker).body).toBe("Good day!");
    expect(received.map((m) => m.body)).toEqual(["Good day!"]);
  });
});
