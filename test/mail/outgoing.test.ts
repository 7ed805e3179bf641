import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MessageView } from "../../src/protocol/chat.ts";
import { newClientId, newVisitorToken, openSocket, request } from "../support/chatClients.ts";
import { testDatabases } from "../support/databases.ts";
import { recipientOf, TestMailbox } from "../support/mailbox.ts";
import { type ListeningTestApp, startListeningApp, addAgentWithSession } from "../support/testApp.ts";

// Small enough that the clock jumps of all tests stay within an access token's life (15 min).
const DELAY_S = 100;

describe.each(testDatabases())("outgoing e-mail over real SMTP ($name)", (database) => {
  let t: ListeningTestApp;
  let url: string;
  const mailbox = new TestMailbox();
  const sockets: Socket[] = [];
  let agentSocket: Socket;
  const tag = Math.random().toString(36).slice(2, 8);

  beforeAll(async () => {
    await mailbox.start();
    t = await startListeningApp(database, {
      env: { SMTP_URL: mailbox.url, MAIL_FROM: '"Destek Test" <support@example.com>', OFFLINE_EMAIL_DELAY_S: String(DELAY_S) },
      jobs: true,
    });
    url = t.url;
    agentSocket = await openSocket(`${url}/agent`, { token: (await addAgentWithSession(t.deps, "mira")).accessToken });
    sockets.push(agentSocket);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await t.close();
    await mailbox.stop();
  });

  /** A visitor who left `email` and wrote once; returns the socket and the conversation id. */
  const visitorWithEmail = async (name: string, language = "en") => {
    const socket = await openSocket(`${url}/visitor`, { visitorToken: newVisitorToken(), language });
    sockets.push(socket);
    const email = `${name}-${tag}@example.net`;
    await request(socket, "profile:update", { email });
    const { message } = await request<{ message: MessageView }>(socket, "message:send", { clientId: newClientId(), body: `Hello from ${name}` });
    return { socket, email, conversationId: message.conversationId };
  };
  const reply = (conversationId: string, body: string) =>
    request<{ message: MessageView }>(agentSocket, "message:send", { conversationId, clientId: newClientId(), body });
  const mailsTo = (email: string) => mailbox.mails.filter((mail) => recipientOf(mail) === email.toLowerCase());

  it("mails the replies a visitor has not seen, once, in one mail; replies read in time are not mailed", async () => {
    const unseen = await visitorWithEmail("ayse", "tr");
    const seen = await visitorWithEmail("bora");
    await reply(unseen.conversationId, "Merhaba, siparişiniz yolda.");
    await reply(unseen.conversationId, "Kargo numarası 12345.");
    const { message } = await reply(seen.conversationId, "We have fixed it.");
    // Bora's widget shows the reply and says so; Ayşe never opens hers.
    seen.socket.emit("receipt", { seq: message.seq, kind: "read" });
    await expect.poll(async () => (await t.deps.domain.db.selectFrom("conversations").select("visitor_read_seq").where("id", "=", seen.conversationId).executeTakeFirstOrThrow()).visitor_read_seq).toBe(message.seq);

    t.clock.advance((DELAY_S + 1) * 1000);
    const mail = await mailbox.waitFor((m) => recipientOf(m) === unseen.email);
    expect(mail.subject).toBe("Destek Test size yanıt verdi");
    expect(mail.text).toContain("Merhaba, siparişiniz yolda.");
    expect(mail.text).toContain("Kargo numarası 12345.");
    expect(mail.html).toContain("Kargo numarası 12345.");
    expect(mail.from?.text).toContain("support@example.com");
    // No SMTP listener configured: no Reply-To address that would lead nowhere.
    expect(mail.replyTo).toBeUndefined();

    // A later marker: a third visitor's unseen reply, mailed after the rounds that saw Bora's read one.
    const marker = await visitorWithEmail("cem");
    await reply(marker.conversationId, "Marker reply");
    t.clock.advance((DELAY_S + 1) * 1000);
    await mailbox.waitFor((m) => recipientOf(m) === marker.email);
    expect(mailsTo(seen.email)).toHaveLength(0);
    expect(mailsTo(unseen.email)).toHaveLength(1);
  });

  it("mails the transcript on request after resolve, in the visitor's words and the team's", async () => {
    const visitor = await visitorWithEmail("deniz");
    await reply(visitor.conversationId, "Anything else?");
    await expect(request(visitor.socket, "transcript:request", {})).rejects.toMatchObject({ id: "conversation_not_resolved" });
    await request(agentSocket, "conversation:status", { conversationId: visitor.conversationId, status: "resolved" });
    const other = `deniz-copy-${tag}@example.net`;
    expect(await request(visitor.socket, "transcript:request", { email: other })).toEqual({ email: other });
    const mail = await mailbox.waitFor((m) => recipientOf(m) === other);
    expect(mail.subject).toBe("Your conversation with Destek Test");
    expect(mail.text).toContain("Hello from deniz");
    expect(mail.text).toContain("Anything else?");
    expect(mail.text).toContain("Agent mira");
  });

  it("holds mail through an SMTP outage and delivers it once when the server is back", async () => {
    const port = mailbox.port;
    await mailbox.stop();
    const visitor = await visitorWithEmail("ece");
    await reply(visitor.conversationId, "Sent while the mail server was down");
    t.clock.advance((DELAY_S + 1) * 1000);
    // The job tried and failed: the mail waits in the outbox with the error.
    await expect
      .poll(async () => (await t.deps.domain.db.selectFrom("outbox").select(["last_error", "status"]).where("kind", "=", "email.unseen_replies").where("last_error", "is not", null).execute()).length, { timeout: 30_000 })
      .toBeGreaterThan(0);
    await mailbox.start(port);
    const mail = await mailbox.waitFor((m) => recipientOf(m) === visitor.email, 60_000);
    expect(mail.text).toContain("Sent while the mail server was down");
    const marker = await visitorWithEmail("fuat");
    await reply(marker.conversationId, "Marker after the outage");
    t.clock.advance((DELAY_S + 1) * 1000);
    await mailbox.waitFor((m) => recipientOf(m) === marker.email);
    expect(mailsTo(visitor.email)).toHaveLength(1);
  });
});
