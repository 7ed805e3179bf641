import nodemailer from "nodemailer";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type InboundMailJob, startInboundMailJob } from "../../src/adapters/mail/inboundServer.ts";
import { startMailJob } from "../../src/adapters/mail/mailJob.ts";
import type { BackgroundJob } from "../../src/jobs.ts";
import { recipientOf, TestMailbox } from "../support/mailbox.ts";
import { replyAddress } from "../../src/domain/mail/replyAddress.ts";
import type { ConversationSummary, MessageView } from "../../src/protocol/chat.ts";
import { newClientId, newVisitorToken, nextEvent, openSocket, request } from "../support/chatClients.ts";
import { testDatabases } from "../support/databases.ts";
import { type ListeningTestApp, startListeningApp, addAgentWithSession } from "../support/testApp.ts";

const DOMAIN = "reply.support.example.com";
// A PNG of one pixel, to go through the widget's upload checks.
const PIXEL = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

describe.each(testDatabases())("e-mail replies through destek's SMTP listener ($name)", (database) => {
  let t: ListeningTestApp;
  let url: string;
  let inbound: InboundMailJob;
  let outgoing: BackgroundJob;
  const mailbox = new TestMailbox();
  let smtpPort: number;
  const sockets: Socket[] = [];
  let agentSocket: Socket;
  const tag = Math.random().toString(36).slice(2, 8);

  beforeAll(async () => {
    await mailbox.start();
    t = await startListeningApp(database, {
      env: { SMTP_INBOUND_PORT: "0", MAIL_REPLY_DOMAIN: DOMAIN, HOST: "127.0.0.1", SMTP_URL: mailbox.url, MAIL_FROM: "support@example.com", OFFLINE_EMAIL_DELAY_S: "60", UPLOAD_MAX_MB: "1" },
    });
    url = t.url;
    inbound = startInboundMailJob(t.deps);
    smtpPort = (await inbound.listening)!;
    outgoing = startMailJob(t.deps);
    agentSocket = await openSocket(`${url}/agent`, { token: (await addAgentWithSession(t.deps, "nil")).accessToken });
    sockets.push(agentSocket);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await inbound.stop();
    await outgoing.stop();
    await t.close();
    await mailbox.stop();
  });

  const client = () => nodemailer.createTransport({ host: "127.0.0.1", port: smtpPort, secure: false, ignoreTLS: true });
  const visitorWithEmail = async (name: string) => {
    const socket = await openSocket(`${url}/visitor`, { visitorToken: newVisitorToken() });
    sockets.push(socket);
    const email = `${name}-${tag}@example.net`;
    await request(socket, "profile:update", { email });
    const { message } = await request<{ message: MessageView }>(socket, "message:send", { clientId: newClientId(), body: `Hi, ${name} here` });
    return { email, conversationId: message.conversationId };
  };

  it("puts the visitor's reply in the conversation, quote and signature trimmed, with its attachment, live to the console", async () => {
    const visitor = await visitorWithEmail("gul");
    const to = replyAddress(t.deps.domain.keys, visitor.conversationId, DOMAIN);
    const arrived = nextEvent<{ message: MessageView; conversation: ConversationSummary }>(agentSocket, "message:new", (p) => p.message.via === "email");
    await client().sendMail({
      from: visitor.email,
      to,
      subject: "Re: New reply from Destek",
      messageId: `<${tag}-1@example.net>`,
      text: ["Thanks, that worked!", "", "-- ", "Gül Yılmaz", "", "On Tue, 1 Dec 2026 at 10:00, Destek <support@example.com> wrote:", "> We have fixed it."].join("\n"),
      attachments: [{ filename: "screen.png", content: PIXEL, contentType: "image/png" }],
    });
    const { message, conversation } = await arrived;
    expect(message).toMatchObject({ body: "Thanks, that worked!", via: "email", author: { type: "visitor" }, conversationId: visitor.conversationId });
    expect(message.attachments).toMatchObject([{ kind: "image", fileName: "screen.png" }]);
    expect(conversation.id).toBe(visitor.conversationId);

    // The same mail delivered again (a retrying mail server) is stored once.
    await client().sendMail({ from: visitor.email, to, subject: "Re", messageId: `<${tag}-1@example.net>`, text: "Thanks, that worked!" });
    const rows = await t.deps.domain.db.selectFrom("messages").select("id").where("conversation_id", "=", visitor.conversationId).where("via", "=", "email").execute();
    expect(rows).toHaveLength(1);
  });

  it("trims Turkish and Outlook quotes", async () => {
    const visitor = await visitorWithEmail("efe");
    const to = replyAddress(t.deps.domain.keys, visitor.conversationId, DOMAIN);
    const turkish = nextEvent<{ message: MessageView }>(agentSocket, "message:new", (p) => p.message.via === "email" && p.message.conversationId === visitor.conversationId);
    await client().sendMail({
      from: visitor.email,
      to,
      subject: "Ynt",
      text: ["Teşekkürler, sorun çözüldü.", "", "1 Ara 2026 Sal, 10:00 tarihinde Destek <support@example.com> şunu yazdı:", "> Merhaba"].join("\n"),
    });
    expect((await turkish).message.body).toBe("Teşekkürler, sorun çözüldü.");
    const outlook = nextEvent<{ message: MessageView }>(agentSocket, "message:new", (p) => p.message.via === "email" && p.message.body.startsWith("One more"));
    await client().sendMail({
      from: visitor.email,
      to,
      subject: "RE",
      text: ["One more question.", "", "________________________________", "From: Destek <support@example.com>", "Sent: Tuesday, 1 December 2026 10:00", "Subject: New reply"].join("\n"),
    });
    expect((await outlook).message.body).toBe("One more question.");
  });

  it("refuses unknown or forged recipients, and senders other than the visitor, at RCPT time", async () => {
    const visitor = await visitorWithEmail("can");
    const real = replyAddress(t.deps.domain.keys, visitor.conversationId, DOMAIN);
    const forged = real.replace(/[0-9a-f](?=@)/, (c) => (c === "0" ? "1" : "0"));
    for (const to of [`someone@${DOMAIN}`, forged, real.replace(DOMAIN, "elsewhere.example.com")]) {
      await expect(client().sendMail({ from: visitor.email, to, subject: "x", text: "hello" })).rejects.toMatchObject({ responseCode: 550 });
    }
    await expect(client().sendMail({ from: "stranger@example.org", to: real, subject: "x", text: "hello" })).rejects.toMatchObject({ responseCode: 550 });
    // Larger than the limit (about 1.4 × UPLOAD_MAX_MB + 1 MB): refused whole.
    const big = Buffer.alloc(3 * 1024 * 1024, 1);
    await expect(client().sendMail({ from: visitor.email, to: real, subject: "x", text: "big", attachments: [{ filename: "big.bin", content: big }] })).rejects.toMatchObject({ responseCode: 552 });
    const rows = await t.deps.domain.db.selectFrom("messages").select("id").where("conversation_id", "=", visitor.conversationId).where("via", "=", "email").execute();
    expect(rows).toHaveLength(0);
  });

  it("answers a mailed reply through its Reply-To address, back into the conversation", async () => {
    const visitor = await visitorWithEmail("ilk");
    await request(agentSocket, "message:send", { conversationId: visitor.conversationId, clientId: newClientId(), body: "Could you send the order number?" });
    t.clock.advance(61_000);
    const mail = await mailbox.waitFor((m) => recipientOf(m) === visitor.email);
    const replyTo = mail.replyTo?.value[0]?.address;
    expect(replyTo).toBe(replyAddress(t.deps.domain.keys, visitor.conversationId, DOMAIN));
    const arrived = nextEvent<{ message: MessageView }>(agentSocket, "message:new", (p) => p.message.via === "email" && p.message.conversationId === visitor.conversationId);
    await client().sendMail({ from: visitor.email, to: replyTo, subject: `Re: ${mail.subject}`, text: `It is 4711.\n\nOn Wed, 2 Dec 2026, support@example.com wrote:\n> ${mail.text?.split("\n").join("\n> ")}` });
    expect((await arrived).message.body).toBe("It is 4711.");
  });
});
