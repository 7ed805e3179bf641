import http from "node:http";
import type { AddressInfo } from "node:net";

export interface SentMessage {
  method: string;
  chat_id: string | number;
  text?: string;
  message_id: number;
  [key: string]: unknown;
}

/**
 * A local Telegram Bot API server speaking the real HTTP protocol (`/bot<token>/<method>`, JSON or
 * form bodies, `{ ok, result }` envelopes, long-polled getUpdates). Tests push updates in and read
 * what the bot sent; `failNext` makes it answer errors the way Telegram does.
 */
export class FakeTelegram {
  readonly token = "123456:TEST-fake-token-abcdefghijklmnop";
  readonly botUsername = "destek_test_bot";
  readonly sent: SentMessage[] = [];
  readonly calls: string[] = [];
  private server = http.createServer((req, res) => void this.handle(req, res));
  private updates: unknown[] = [];
  private nextUpdateId = 1;
  private nextMessageId = 1000;
  private waiters: Array<() => void> = [];
  private failures: Array<{ status: number; description: string; retryAfter?: number }> = [];
  apiRoot = "";

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.apiRoot = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const wake of this.waiters.splice(0)) wake();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next `count` API calls (other than getUpdates) fail with this status. */
  failNext(count: number, status = 500, description = "Internal Server Error", retryAfter?: number): void {
    for (let i = 0; i < count; i++) this.failures.push({ status, description, ...(retryAfter ? { retryAfter } : {}) });
  }

  /** Queues a private text message from a user, as if typed in Telegram. */
  pushMessage(chatId: number, text: string, extra: Record<string, unknown> = {}): void {
    const message = {
      message_id: this.nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: chatId > 0 ? "private" : "group", first_name: "Agent" },
      from: { id: chatId, is_bot: false, first_name: "Agent" },
      text,
      ...(text.startsWith("/") ? { entities: [{ type: "bot_command", offset: 0, length: text.split(" ")[0]!.length }] } : {}),
      ...extra,
    };
    this.updates.push({ update_id: this.nextUpdateId++, message });
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Waits until the bot has sent a message matching `predicate`. */
  async waitForSent(predicate: (m: SentMessage) => boolean, timeoutMs = 10_000): Promise<SentMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.sent.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching message sent; sent: ${JSON.stringify(this.sent.map((m) => m.text))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let body = "";
    for await (const chunk of req) body += chunk;
    const match = req.url?.match(/^\/bot([^/]+)\/(\w+)/);
    const reply = (status: number, payload: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(payload));
    };
    if (!match || match[1] !== this.token) return reply(401, { ok: false, error_code: 401, description: "Unauthorized" });
    const method = match[2]!;
    const args = parseBody(body, req.headers["content-type"]);
    this.calls.push(method);
    if (method !== "getUpdates") {
      const failure = this.failures.shift();
      if (failure) {
        return reply(failure.status, {
          ok: false,
          error_code: failure.status,
          description: failure.description,
          ...(failure.retryAfter ? { parameters: { retry_after: failure.retryAfter } } : {}),
        });
      }
    }
    switch (method) {
      case "getMe":
        return reply(200, { ok: true, result: { id: 123456, is_bot: true, first_name: "destek", username: this.botUsername, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false } });
      case "getUpdates": {
        const offset = Number(args.offset ?? 0);
        this.updates = this.updates.filter((u) => (u as { update_id: number }).update_id >= offset);
        if (!this.updates.length) {
          const timeout = Math.min(Number(args.timeout ?? 0), 1) * 1000;
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, timeout);
            this.waiters.push(() => {
              clearTimeout(timer);
              resolve();
            });
          });
        }
        return reply(200, { ok: true, result: this.updates.filter((u) => (u as { update_id: number }).update_id >= offset) });
      }
      case "sendMessage": {
        const sent = { method, ...args, message_id: this.nextMessageId++ } as SentMessage;
        this.sent.push(sent);
        return reply(200, { ok: true, result: { message_id: sent.message_id, date: Math.floor(Date.now() / 1000), chat: { id: Number(args.chat_id), type: "private" }, text: args.text } });
      }
      default:
        return reply(200, { ok: true, result: true });
    }
  }
}

function parseBody(body: string, contentType: string | undefined): Record<string, unknown> {
  if (!body) return {};
  if (contentType?.includes("application/json")) return JSON.parse(body) as Record<string, unknown>;
  return Object.fromEntries(new URLSearchParams(body));
}
