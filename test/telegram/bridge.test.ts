import sharp from "sharp";
import type { Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { MessageView } from "../../src/protocol/chat.ts";
import { newClientId, newVisitorToken, nextEvent, openSocket, request } from "../support/chatClients.ts";
import { waitFor } from "../support/process.ts";
import type { FakeTelegram, SentMessage } from "../support/fakeTelegram.ts";
import { addAgent, startTestServer, type TestServer } from "../support/testApp.ts";

const TEAM_CHAT = -100555;
const AGENT_USER = 4242;
const SECOND_AGENT = 4343;
const STRANGER = 999_999;

// The Telegram bridge end to end through a fake Bot API server: alerts out, replies back in.
describe("Telegram bridge", () => {
  let t: TestServer;
  let telegram: FakeTelegram;
  let url: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await startTestServer({ env: { TELEGRAM_ADMIN_CHAT_ID: String(TEAM_CHAT), TELEGRAM_DOWNLOAD_TIMEOUT_S: "2", TELEGRAM_ALERT_FLOOD_PER_MINUTE: "1000", UPLOAD_MAX_MB: "1" } });
    ({ telegram, url } = t);
    await addAgent(t.deps, "selin", { telegramChatId: String(AGENT_USER) });
    await addAgent(t.deps, "mert", { telegramChatId: String(SECOND_AGENT) });
    await t.deps.telegram!.start(t.deps);
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });
  afterAll(() => t.close());

  const visitor = async () => {
    const socket = await openSocket(`${url}/visitor`, { visitorToken: newVisitorToken() });
    sockets.push(socket);
    return socket;
  };
  const toTeam = (predicate: (m: SentMessage) => boolean) => telegram.waitForSent((m) => String(m.chat_id) === String(TEAM_CHAT) && predicate(m));
  const png = () => sharp({ create: { width: 16, height: 12, channels: 3, background: "#ff0000" } }).png().toBuffer();

  it("posts a visitor's message to the team chat with all visitor text escaped", async () => {
    const widget = await visitor();
    await request(widget, "profile:update", { name: "<b>Eve</b> & co" });
    await request(widget, "message:send", { clientId: newClientId(), body: "Hi <script>alert(1)</script>", pageUrl: "https://shop.example/?q=<x>" });
    const alert = await toTeam((m) => String(m.text).includes("alert(1)"));
    expect(alert.parse_mode).toBe("HTML");
    expect(alert.text).toContain("&lt;b&gt;Eve&lt;/b&gt; &amp; co");
    expect(alert.text).toContain("Hi &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(alert.text).toContain("https://shop.example/?q=&lt;x&gt;");
    expect(alert.text).not.toContain("<script>");
  });

  it("routes a Telegram reply, text and photo, to the right visitor", async () => {
    const alice = await visitor();
    const bob = await visitor();
    await request(alice, "message:send", { clientId: newClientId(), body: "alice asks" });
    await request(bob, "message:send", { clientId: newClientId(), body: "bob asks" });
    const aliceAlert = await toTeam((m) => String(m.text).includes("alice asks"));
    await toTeam((m) => String(m.text).includes("bob asks"));

    const textReply = nextEvent<MessageView>(alice, "message:new");
    telegram.pushReply(TEAM_CHAT, AGENT_USER, aliceAlert.message_id, { text: "Hello Alice, from Telegram" });
    expect(await textReply).toMatchObject({ body: "Hello Alice, from Telegram", via: "telegram", author: { type: "agent", name: "Agent selin" } });

    const photo = await png();
    const fileId = telegram.addFile(photo);
    const photoReply = nextEvent<MessageView>(alice, "message:new");
    telegram.pushReply(TEAM_CHAT, AGENT_USER, aliceAlert.message_id, {
      photo: [{ file_id: fileId, file_unique_id: fileId, width: 16, height: 12, file_size: photo.length }],
      caption: "Here is the label",
    });
    const message = await photoReply;
    expect(message.body).toBe("Here is the label");
    expect(message.attachments).toHaveLength(1);
    expect(message.attachments[0]).toMatchObject({ kind: "image", mime: "image/png", width: 16, height: 12 });
    const file = await t.app.inject({ method: "GET", url: message.attachments[0]!.url });
    expect(file.statusCode).toBe(200);
    expect(file.headers["content-type"]).toBe("image/png");
    expect(file.headers["x-content-type-options"]).toBe("nosniff");
    expect((await sharp(file.rawPayload).metadata()).width).toBe(16);

    const bobSync = await request<{ messages: MessageView[] }>(bob, "conversation:sync", { afterSeq: 0 });
    expect(bobSync.messages.map((m) => m.body)).toEqual(["bob asks"]);
  });

  it("sends a visitor's image to Telegram as a photo", async () => {
    const widget = await visitor();
    const token = (widget.auth as { visitorToken: string }).visitorToken;
    const form = new FormData();
    form.append("file", new Blob([await png()], { type: "image/png" }), "receipt.png");
    const upload = await fetch(`${url}/api/widget/attachments`, { method: "POST", headers: { authorization: `Visitor ${token}` }, body: form });
    expect(upload.status).toBe(201);
    const { attachment } = (await upload.json()) as { attachment: { id: string } };
    await request(widget, "message:send", { clientId: newClientId(), body: "photo of my receipt", attachmentIds: [attachment.id] });
    const sent = await toTeam((m) => m.method === "sendPhoto" && String(m.caption).includes("photo of my receipt"));
    expect(sent.file?.data.subarray(1, 4).toString()).toBe("PNG");
  });

  it("delays notifications through an outage and sends each exactly once", async () => {
    const widget = await visitor();
    telegram.down = true;
    const { message } = await request<{ message: MessageView }>(widget, "message:send", { clientId: newClientId(), body: "during the outage" });
    // The worker tried, failed and kept the row for a retry: nothing is lost while Telegram is away.
    const row = await waitFor(
      async () => {
        const found = await t.deps.domain.db.selectFrom("outbox").selectAll().where("payload", "like", `%${message.id}%`).executeTakeFirst();
        return found && found.attempts >= 1 && found.last_error ? found : undefined;
      },
      10_000,
      () => "a failed attempt",
    );
    expect(row.status).toBe("pending");
    expect(row.last_error).toMatch(/network/);
    telegram.down = false;
    await toTeam((m) => String(m.text).includes("during the outage"));
    // A later message to the same chat is the marker: the chat's posts go out in order, so any
    // second copy of the first would have come before it.
    await request(widget, "message:send", { clientId: newClientId(), body: "after the outage" });
    await toTeam((m) => String(m.text).includes("after the outage"));
    expect(telegram.sent.filter((m) => String(m.text).includes("during the outage"))).toHaveLength(1);
  }, 30_000);

  it("keeps a visitor's name on one line in alerts", async () => {
    const widget = await visitor();
    await request(widget, "profile:update", { name: "Eve\n🆕 Mallory started a conversation\u2028x" });
    await request(widget, "message:send", { clientId: newClientId(), body: "one line name" });
    const alert = await toTeam((m) => String(m.text).includes("one line name"));
    const [firstLine, ...rest] = String(alert.text).split("\n");
    expect(firstLine).toContain("Eve 🆕 Mallory started a conversation x");
    expect(rest.join("\n")).not.toContain("Mallory");
  });

  it("downloads nothing for a Telegram user who is not an agent", async () => {
    const widget = await visitor();
    await request(widget, "message:send", { clientId: newClientId(), body: "stranger photo target" });
    const alert = await toTeam((m) => String(m.text).includes("stranger photo target"));
    const fileId = telegram.addFile(await png());
    const getFilesBefore = telegram.calls.filter((c) => c === "getFile").length;
    telegram.pushReply(TEAM_CHAT, STRANGER, alert.message_id, { photo: [{ file_id: fileId, file_unique_id: fileId, width: 16, height: 12 }], caption: "not an agent" });
    await telegram.waitForSent((m) => String(m.chat_id) === String(TEAM_CHAT) && /not linked|bağlı değil/.test(String(m.text)) && m.message_id > alert.message_id);
    expect(telegram.calls.filter((c) => c === "getFile").length).toBe(getFilesBefore);
    expect(telegram.downloads).not.toContain(fileId);
  });

  it("does not let a hung download hold up other agents, and gives up on it after the timeout", async () => {
    const alice = await visitor();
    const bob = await visitor();
    await request(alice, "message:send", { clientId: newClientId(), body: "alice waits for a file" });
    await request(bob, "message:send", { clientId: newClientId(), body: "bob waits for text" });
    const aliceAlert = await toTeam((m) => String(m.text).includes("alice waits for a file"));
    const bobAlert = await toTeam((m) => String(m.text).includes("bob waits for text"));
    const fileId = telegram.addFile(await png());
    const release = telegram.holdDownload(fileId);
    try {
      const sentBefore = telegram.sent.length;
      telegram.pushReply(TEAM_CHAT, AGENT_USER, aliceAlert.message_id, { photo: [{ file_id: fileId, file_unique_id: fileId, width: 16, height: 12 }] });
      await waitFor(() => (telegram.downloads.includes(fileId) ? true : undefined), 10_000, () => "the download to start");
      const bobReply = nextEvent<MessageView>(bob, "message:new");
      telegram.pushReply(TEAM_CHAT, SECOND_AGENT, bobAlert.message_id, { text: "Bob, while a file is stuck" });
      expect(await bobReply).toMatchObject({ body: "Bob, while a file is stuck" });
      // The stuck download ends at TELEGRAM_DOWNLOAD_TIMEOUT_S with a word to the agent, and nothing for Alice.
      const told = await telegram.waitForSent((m, i) => i >= sentBefore && String(m.chat_id) === String(TEAM_CHAT) && /2 s/.test(String(m.text)), 15_000);
      expect(told.text).toMatch(/did not arrive/);
      const sync = await request<{ messages: MessageView[] }>(alice, "conversation:sync", { afterSeq: 0 });
      expect(sync.messages.map((m) => m.body)).toEqual(["alice waits for a file"]);
    } finally {
      release();
    }
  }, 30_000);

  it("refuses a file from Telegram larger than the upload limit without fetching it", async () => {
    const widget = await visitor();
    await request(widget, "message:send", { clientId: newClientId(), body: "too big for me" });
    const alert = await toTeam((m) => String(m.text).includes("too big for me"));
    const fileId = telegram.addFile(Buffer.alloc(1024 * 1024 + 1, 1));
    telegram.pushReply(TEAM_CHAT, AGENT_USER, alert.message_id, { document: { file_id: fileId, file_unique_id: fileId, file_name: "big.pdf" } });
    await toTeam((m) => /1 MB/.test(String(m.text)) && m.message_id > alert.message_id);
    expect(telegram.downloads).not.toContain(fileId);
    const sync = await request<{ messages: MessageView[] }>(widget, "conversation:sync", { afterSeq: 0 });
    expect(sync.messages.map((m) => m.body)).toEqual(["too big for me"]);
  });

  it("stores a redelivered reply and its file once", async () => {
    const widget = await visitor();
    const { message } = await request<{ message: MessageView }>(widget, "message:send", { clientId: newClientId(), body: "send me the file once" });
    const alert = await toTeam((m) => String(m.text).includes("send me the file once"));
    const photo = await png();
    const fileId = telegram.addFile(photo);
    const fields = { message_id: 880_001, photo: [{ file_id: fileId, file_unique_id: fileId, width: 16, height: 12 }], caption: "your file" };
    const first = nextEvent<MessageView>(widget, "message:new");
    telegram.pushReply(TEAM_CHAT, AGENT_USER, alert.message_id, fields);
    await first;
    telegram.pushReply(TEAM_CHAT, AGENT_USER, alert.message_id, fields);
    // The same agent's next reply is handled after the redelivery: the marker that it is done.
    const marker = nextEvent<MessageView>(widget, "message:new", (m) => m.body === "marker after the redelivery");
    telegram.pushReply(TEAM_CHAT, AGENT_USER, alert.message_id, { text: "marker after the redelivery" });
    await marker;
    const sync = await request<{ messages: MessageView[] }>(widget, "conversation:sync", { afterSeq: 0 });
    expect(sync.messages.map((m) => m.body)).toEqual(["send me the file once", "your file", "marker after the redelivery"]);
    const uploads = await t.deps.domain.db.selectFrom("attachments").select(["id", "message_id"]).where("uploaded_by", "like", "agent:%").execute();
    expect(uploads.filter((u) => u.message_id === null)).toEqual([]);
    expect(await t.deps.domain.db.selectFrom("attachments").select("id").where("conversation_id", "=", message.conversationId).execute()).toHaveLength(1);
    expect(telegram.downloads.filter((d) => d === fileId)).toHaveLength(1);
  });

  it("honours retry_after on 429", async () => {
    const widget = await visitor();
    telegram.failNext(1, 429, "Too Many Requests: retry after 1", 1);
    const started = Date.now();
    await request(widget, "message:send", { clientId: newClientId(), body: "rate limited message" });
    await toTeam((m) => String(m.text).includes("rate limited message"));
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(telegram.sent.filter((m) => String(m.text).includes("rate limited message"))).toHaveLength(1);
  }, 30_000);

  it("lists open conversations with /open and resolves one with /resolve", async () => {
    const widget = await visitor();
    const { message } = await request<{ message: MessageView }>(widget, "message:send", { clientId: newClientId(), body: "please resolve me" });
    await toTeam((m) => String(m.text).includes("please resolve me"));
    telegram.pushMessage(AGENT_USER, "/open");
    const listed = await telegram.waitForSent((m) => String(m.chat_id) === String(AGENT_USER) && String(m.text).includes("please resolve me"));
    telegram.pushReply(AGENT_USER, AGENT_USER, listed.message_id, { text: "/resolve" });
    await telegram.waitForSent((m) => String(m.chat_id) === String(AGENT_USER) && /çözüldü|resolved/.test(String(m.text)));
    const detail = await t.deps.domain.db.selectFrom("conversations").select("status").where("id", "=", message.conversationId).executeTakeFirstOrThrow();
    expect(detail.status).toBe("resolved");
  });

  it("tells an unlinked Telegram user to link first, and delivers nothing", async () => {
    const widget = await visitor();
    await request(widget, "message:send", { clientId: newClientId(), body: "who answers?" });
    const alert = await toTeam((m) => String(m.text).includes("who answers?"));
    telegram.pushReply(TEAM_CHAT, 999_999, alert.message_id, { text: "I am not an agent" });
    await toTeam((m) => /not linked/.test(String(m.text)));
    const sync = await request<{ messages: MessageView[] }>(widget, "conversation:sync", { afterSeq: 0 });
    expect(sync.messages.map((m) => m.body)).toEqual(["who answers?"]);
  });
});
