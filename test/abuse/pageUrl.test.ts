import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findVisitor } from "../../src/adapters/db/repositories/chat.ts";
import { isWebPageUrl, recordVisitorPage } from "../../src/domain/chat/visitors.ts";
import type { MessageView } from "../../src/protocol/chat.ts";
import { newClientId, newVisitorToken, openSocket, request } from "../support/chatClients.ts";
import { startTestServer, type TestServer } from "../support/testApp.ts";

type Ack<T> = { ok: true; data: T } | { ok: false; error: { id: string; message: string } };

// The page a visitor is on is shown to agents as a link: only http(s) may get there.
describe("the visitor's page address", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it.each(["javascript:alert(document.cookie)", "JavaScript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)"])(
    "refuses %s on message:send",
    async (pageUrl) => {
      const socket = await openSocket(`${server.url}/visitor`, { visitorToken: newVisitorToken() });
      try {
        const ack = (await socket.timeout(10_000).emitWithAck("message:send", { clientId: newClientId(), body: "hi", pageUrl })) as Ack<unknown>;
        expect(ack).toMatchObject({ ok: false, error: { id: "invalid_request" } });
        expect(!ack.ok && ack.error.message).toMatch(/pageUrl/);
      } finally {
        socket.close();
      }
    },
  );

  it("keeps an https page address", async () => {
    const socket = await openSocket(`${server.url}/visitor`, { visitorToken: newVisitorToken() });
    try {
      const { message } = await request<{ message: MessageView }>(socket, "message:send", { clientId: newClientId(), body: "hi", pageUrl: "https://shop.example.com/cart?x=1" });
      expect(message.body).toBe("hi");
    } finally {
      socket.close();
    }
  });

  it("is checked by the domain too", async () => {
    expect(isWebPageUrl("https://shop.example.com/")).toBe(true);
    expect(isWebPageUrl("javascript:alert(1)")).toBe(false);
    const socket = await openSocket(`${server.url}/visitor`, { visitorToken: newVisitorToken() });
    try {
      const { message } = await request<{ message: MessageView }>(socket, "message:send", { clientId: newClientId(), body: "hello" });
      const conversation = await server.deps.domain.db.selectFrom("conversations").select("visitor_id").where("id", "=", message.conversationId).executeTakeFirstOrThrow();
      const visitor = (await findVisitor(server.deps.domain.db, conversation.visitor_id))!;
      await expect(recordVisitorPage(server.deps.domain, visitor, { url: "javascript:alert(1)", title: null })).rejects.toMatchObject({ id: "page_url_invalid" });
      await recordVisitorPage(server.deps.domain, visitor, { url: "https://shop.example.com/", title: "Shop" });
      expect((await findVisitor(server.deps.domain.db, visitor.id))?.page_url).toBe("https://shop.example.com/");
    } finally {
      socket.close();
    }
  });
});
