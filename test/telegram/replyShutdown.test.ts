import sharp from "sharp";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newClientId, newVisitorToken, openSocket, request } from "../support/chatClients.ts";
import { waitFor } from "../support/process.ts";
import { addAgent, startTestServer, type TestServer } from "../support/testApp.ts";

const TEAM_CHAT = -100556;
const AGENT_USER = 4244;

// Stopping the bridge does not wait out a hung download (TELEGRAM_DOWNLOAD_TIMEOUT_S is long here).
describe("Telegram bridge shutdown with a download in flight", () => {
  let t: TestServer;
  let socket: Socket;

  beforeAll(async () => {
    t = await startTestServer({ env: { TELEGRAM_ADMIN_CHAT_ID: String(TEAM_CHAT), TELEGRAM_DOWNLOAD_TIMEOUT_S: "600" } });
    await addAgent(t.deps, "deniz", { telegramChatId: String(AGENT_USER) });
    await t.deps.telegram!.start(t.deps);
    socket = await openSocket(`${t.url}/visitor`, { visitorToken: newVisitorToken() });
  });
  afterAll(async () => {
    socket.close();
    await t.close();
  });

  it("cuts the download short and tells the agent", async () => {
    await request(socket, "message:send", { clientId: newClientId(), body: "a file is coming" });
    const alert = await t.telegram.waitForSent((m) => String(m.text).includes("a file is coming"));
    const photo = await sharp({ create: { width: 4, height: 4, channels: 3, background: "#000" } }).png().toBuffer();
    const fileId = t.telegram.addFile(photo);
    const release = t.telegram.holdDownload(fileId);
    try {
      t.telegram.pushReply(TEAM_CHAT, AGENT_USER, alert.message_id, { photo: [{ file_id: fileId, file_unique_id: fileId, width: 4, height: 4 }] });
      await waitFor(() => (t.telegram.downloads.includes(fileId) ? true : undefined), 10_000, () => "the download to start");
      // Resolves long before the 600 s download timeout, or the test times out.
      await t.deps.telegram!.stop();
      const told = await t.telegram.waitForSent((m) => String(m.chat_id) === String(TEAM_CHAT) && /restarted/.test(String(m.text)));
      expect(told.text).toContain("send it again");
    } finally {
      release();
    }
  }, 30_000);
});
