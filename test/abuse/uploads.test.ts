import { randomUUID } from "node:crypto";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { findAttachment } from "../../src/adapters/db/repositories/chat.ts";
import { sweepOrphanUploads } from "../../src/adapters/storage/uploadJobs.ts";
import type { AttachmentView, MessageView } from "../../src/protocol/chat.ts";
import { newClientId, newVisitorToken, request } from "../support/chatClients.ts";
import { testDatabases } from "../support/databases.ts";
import { FakeTelegram } from "../support/fakeTelegram.ts";
import { type LimitedServer, limiterKinds, startLimitedServer, tryVisitorSocket, uniqueRemote } from "../support/limitedServer.ts";
import { startTestApp, type TestApp } from "../support/testApp.ts";

const KB = 1024;

/** A plain-text upload of `bytes`, as the widget sends it, from `address`. */
function upload(app: TestApp["app"], token: string, bytes: number, address: string): Promise<LightMyRequestResponse> {
  const body = Buffer.concat([
    Buffer.from(`--b\r\nContent-Disposition: form-data; name="file"; filename="notes.txt"\r\nContent-Type: text/plain\r\n\r\n`),
    Buffer.alloc(bytes, "a"),
    Buffer.from("\r\n--b--\r\n"),
  ]);
  return app.inject({
    method: "POST",
    url: "/api/widget/attachments",
    remoteAddress: address,
    headers: { authorization: `Visitor ${token}`, "content-type": "multipart/form-data; boundary=b" },
    payload: body,
  });
}

describe.each(limiterKinds())("upload limits (%s limiter)", (limiter) => {
  let server: LimitedServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  /** Records the storage warnings the app hands to Telegram, when it hands them over. */
  function recordWarnings(app: LimitedServer): string[] {
    const port = app.deps.domain.telegram!;
    const posted: string[] = [];
    app.deps.domain.telegram = {
      botUsername: () => port.botUsername(),
      sendText: (chatId, text) => {
        if (text.includes("STORAGE_QUOTA_MB")) posted.push(`${chatId}: ${text}`);
        return port.sendText(chatId, text);
      },
      deleteMessage: (chatId, messageId) => port.deleteMessage(chatId, messageId),
    };
    return posted;
  }

  /**
   * Every warning decision about earlier uploads has been made: it starts with a limiter call, and
   * the limiter answers in order (one Redis connection, or at once in memory).
   */
  const decisionsMade = (app: LimitedServer) => app.deps.domain.limiter.consume(`test-marker:${randomUUID()}`, 1, 1000);

  it("refuses uploads past the storage quota with storage_full (507), and warns the team once per crossing", async () => {
    server = await startLimitedServer(limiter, { STORAGE_QUOTA_MB: "1", TELEGRAM_ADMIN_CHAT_ID: "-100555" });
    const posted = recordWarnings(server);
    const token = newVisitorToken();
    const address = uniqueRemote();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await upload(server.app, token, 600 * KB, address)).statusCode);
    // The second upload fills the quota (it is kept); after it nothing more is stored.
    expect(statuses).toEqual([201, 201, 507, 507]);
    const refused = await upload(server.app, token, 10, address);
    expect(refused.statusCode).toBe(507);
    expect(refused.json().error).toMatchObject({ id: "storage_full" });
    expect(refused.json().error.message).toMatch(/storage is full/);
    await decisionsMade(server);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatch(/^-100555: .*1\.[0-9] .* 1\.0 MB/);
    // It reaches the team chat.
    await server.telegram.waitForSent((m) => String(m.chat_id) === "-100555" && /STORAGE_QUOTA_MB/.test(String(m.text)));
  });

  it("warns once a day when uploads are refused without a crossing (a quota lowered below what is stored)", async () => {
    server = await startLimitedServer(limiter, { TELEGRAM_ADMIN_CHAT_ID: "-100556" });
    const posted = recordWarnings(server);
    const token = newVisitorToken();
    const address = uniqueRemote();
    expect((await upload(server.app, token, 300 * KB, address)).statusCode).toBe(201);
    server.deps.domain.chat.storageQuotaBytes = 100 * KB;
    expect((await upload(server.app, token, 10, address)).statusCode).toBe(507);
    expect((await upload(server.app, token, 10, address)).statusCode).toBe(507);
    await decisionsMade(server);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatch(/^-100556: /);
  });

  it("counts upload bytes per address per day, across visitors", async () => {
    server = await startLimitedServer(limiter, { UPLOAD_MB_PER_DAY: "1" });
    const address = uniqueRemote();
    const first = await upload(server.app, newVisitorToken(), 600 * KB, address);
    const second = await upload(server.app, newVisitorToken(), 600 * KB, address);
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(429);
    expect(second.json().error).toMatchObject({ id: "upload_quota_reached" });
    expect(second.json().error.retryAfterMs).toBeGreaterThan(23 * 60 * 60 * 1000);
    expect(Number(second.headers["retry-after"])).toBeGreaterThan(23 * 60 * 60);
    // Another address still uploads.
    expect((await upload(server.app, newVisitorToken(), 600 * KB, uniqueRemote())).statusCode).toBe(201);
  });
});

describe.each(testDatabases())("orphan uploads on $name", (database) => {
  let t: TestApp;
  let telegram: FakeTelegram;
  let dispose: () => Promise<void>;
  let url: string;

  beforeAll(async () => {
    telegram = await new FakeTelegram().start();
    const db = await database.open();
    dispose = db.dispose;
    t = await startTestApp({ database: db, telegram, env: { SECRET_KEY: randomUUID() + randomUUID() } });
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    url = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await t.close();
    await telegram.stop();
    await dispose();
  });

  it("deletes uploads that never became part of a message after 24 h, and keeps sent ones", async () => {
    const token = newVisitorToken();
    const connected = await tryVisitorSocket(url, { visitorToken: token });
    if (!("socket" in connected)) throw new Error(connected.refused.message);
    const socket = connected.socket;
    try {
      const address = uniqueRemote();
      const sent = (await upload(t.app, token, 100, address)).json<{ attachment: AttachmentView }>().attachment;
      const abandoned = (await upload(t.app, token, 100, address)).json<{ attachment: AttachmentView }>().attachment;
      await request<{ message: MessageView }>(socket, "message:send", { clientId: newClientId(), body: "", attachmentIds: [sent.id] });
      const abandonedRow = (await findAttachment(t.deps.domain.db, abandoned.id))!;

      // Not yet a day old: nothing goes.
      t.clock.advance(23 * 60 * 60 * 1000);
      expect(await sweepOrphanUploads(t.deps)).toBe(0);
      const recent = (await upload(t.app, token, 100, address)).json<{ attachment: AttachmentView }>().attachment;

      t.clock.advance(2 * 60 * 60 * 1000);
      expect(await sweepOrphanUploads(t.deps)).toBe(1);
      expect(await findAttachment(t.deps.domain.db, abandoned.id)).toBeUndefined();
      await expect(t.deps.domain.storage.size(abandonedRow.storage_key)).rejects.toThrow();
      // The sent one and the recent one stay, bytes included.
      const kept = (await findAttachment(t.deps.domain.db, sent.id))!;
      expect(await t.deps.domain.storage.size(kept.storage_key)).toBe(100);
      expect(await findAttachment(t.deps.domain.db, recent.id)).toBeDefined();
    } finally {
      socket.close();
    }
  });
});
