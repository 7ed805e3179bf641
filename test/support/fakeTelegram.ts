import http from "node:http";
import { Busboy } from "@fastify/busboy";
import type { AddressInfo } from "node:net";

export interface SentMessage {
  method: string;
  chat_id: string | number;
  text?: string;
  caption?: string;
  message_id: number;
  /** Bytes of an uploaded photo, voice or document. */
  file?: { name: string; data: Buffer };
  [key: string]: unknown;
}

/** A button of a message's inline keyboard, as the bot sent it. */
export interface InlineButton {
  text: string;
  callback_data?: string;
  url?: string;
  web_app?: { url: string };
}

/** The buttons of a sent message's inline keyboard, row after row (none without a keyboard). */
export const inlineButtonsOf = (message: SentMessage): InlineButton[] =>
  ((message.reply_markup as { inline_keyboard?: InlineButton[][] } | undefined)?.inline_keyboard ?? []).flat();

const BOT_USER = { id: 123456, is_bot: true, first_name: "destek", username: "destek_test_bot" };

/** An error the fake answers with: a Bot API error envelope, or `reset` (the connection is cut, no answer). */
export type FakeFailure = { status: number; description: string; retryAfter?: number } | "reset";

/** A request as the fake saw it, for `failWhen` and `hold` predicates. */
export interface FakeRequest {
  method: string;
  args: Record<string, unknown>;
  file?: { name: string; data: Buffer };
}

/**
 * A local Telegram Bot API server speaking the real HTTP protocol (`/bot<token>/<method>`, JSON or
 * form bodies, `{ ok, result }` envelopes, long-polled getUpdates). Tests push updates in and read
 * what the bot sent; `failNext` makes it answer errors the way Telegram does.
 */
export class FakeTelegram {
  // A bot id of its own per instance, so per-bot state (the leader lock in Redis) never leaks between tests.
  readonly token = `${100000 + Math.floor(Math.random() * 899999)}:TEST-fake-token-abcdefghijklmnop`;
  readonly botUsername = BOT_USER.username;
  readonly sent: SentMessage[] = [];
  /** Told of each message or file the bot sends, as it arrives (benchmarks time them). */
  onSent: ((message: SentMessage) => void) | undefined;
  readonly calls: string[] = [];
  /** Calls other than sending messages and files (answerCallbackQuery, setWebhook, …) with their arguments. */
  readonly otherRequests: Array<{ method: string; args: Record<string, unknown> }> = [];
  /** Posts deleted through deleteMessage, as "chatId:messageId". */
  readonly deleted: string[] = [];
  private server = http.createServer((req, res) => {
    this.handle(req, res).catch((error: unknown) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: false, error_code: 500, description: `fake server: ${String(error)}` }));
    });
  });
  private updates: unknown[] = [];
  private nextUpdateId = 1;
  private nextMessageId = 1000;
  private waiters: Array<() => void> = [];
  private failures: FakeFailure[] = [];
  private rules: Array<{ when: (request: FakeRequest) => boolean; failure: FakeFailure | (() => FakeFailure); times: number }> = [];
  private holds: Array<{ when: (request: FakeRequest) => boolean; gate: Promise<void>; reached: () => void }> = [];
  private files = new Map<string, Buffer>();
  /** File downloads held back until released (a hung download), by file id. */
  private heldDownloads = new Map<string, Promise<void>>();
  /** Every file download asked for (`/file/bot<token>/<path>`), by path. */
  readonly downloads: string[] = [];
  /** Requests failed on purpose so far (by failNext, failWhen or an outage), for tests to wait on. */
  failedRequests = 0;
  /** Set to make every call fail as if Telegram were unreachable (connection reset). */
  down = false;
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

  /**
   * Requests matching `when` fail with `failure` (or what it returns each time), `times` times
   * (Infinity: until `clearFailures`).
   */
  failWhen(when: (request: FakeRequest) => boolean, failure: FakeFailure | (() => FakeFailure), times = 1): void {
    this.rules.push({ when, failure, times });
  }

  clearFailures(): void {
    this.failures.length = 0;
    this.rules.length = 0;
  }

  /**
   * The first request matching `when` gets no answer until `release()` (a slow upload): `reached`
   * settles once it has arrived.
   */
  hold(when: (request: FakeRequest) => boolean): { reached: Promise<void>; release: () => void } {
    let release!: () => void;
    let reached!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const arrived = new Promise<void>((resolve) => {
      reached = resolve;
    });
    this.holds.push({ when, gate, reached });
    return { reached: arrived, release };
  }

  /** The file's download never completes until the returned function is called (a hung download). */
  holdDownload(fileId: string): () => void {
    let release!: () => void;
    this.heldDownloads.set(fileId, new Promise<void>((resolve) => {
      release = resolve;
    }));
    return () => release();
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

  /** Makes a file downloadable through getFile, as if a user had sent it; returns its file_id. */
  addFile(data: Buffer): string {
    const id = `file_${this.files.size + 1}_${Math.random().toString(36).slice(2)}`;
    this.files.set(id, data);
    return id;
  }

  /**
   * A user's reply to a message the bot sent (`replyTo`), with optional extra fields such as photo.
   * Pass `message_id` in `fields` to redeliver a message Telegram already sent. Returns the update id.
   */
  pushReply(chatId: number, fromId: number, replyTo: number, fields: Record<string, unknown>): number {
    const message = {
      message_id: typeof fields.message_id === "number" ? fields.message_id : this.nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: chatId > 0 ? "private" : "group", title: "Team" },
      from: { id: fromId, is_bot: false, first_name: "Agent" },
      reply_to_message: { message_id: replyTo, date: 0, chat: { id: chatId, type: chatId > 0 ? "private" : "group" }, from: BOT_USER, text: "…" },
      ...fields,
    };
    if (typeof fields.text === "string" && fields.text.startsWith("/")) {
      Object.assign(message, { entities: [{ type: "bot_command", offset: 0, length: fields.text.split(" ")[0]!.length }] });
    }
    const updateId = this.nextUpdateId++;
    this.updates.push({ update_id: updateId, message });
    for (const wake of this.waiters.splice(0)) wake();
    return updateId;
  }

  /** A press on an inline button under a message the bot sent. */
  pushCallbackQuery(fromId: number, data: string, message: SentMessage): void {
    const chatId = Number(message.chat_id);
    this.updates.push({
      update_id: this.nextUpdateId++,
      callback_query: {
        id: `cb${this.nextUpdateId}`,
        from: { id: fromId, is_bot: false, first_name: "Agent" },
        chat_instance: "ci",
        data,
        message: { message_id: message.message_id, date: 0, chat: { id: chatId, type: chatId > 0 ? "private" : "group" }, from: BOT_USER, text: message.text ?? "" },
      },
    });
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Waits until the bot has sent a message matching `predicate`. */
  async waitForSent(predicate: (m: SentMessage, index: number) => boolean, timeoutMs = 10_000): Promise<SentMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.sent.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching message sent; sent: ${JSON.stringify(this.sent.map((m) => m.text))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private takeRule(request: FakeRequest): FakeFailure | undefined {
    const rule = this.rules.find((r) => r.times > 0 && r.when(request));
    if (!rule) return undefined;
    rule.times--;
    return typeof rule.failure === "function" ? rule.failure() : rule.failure;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    if (this.down) {
      req.socket.destroy();
      return;
    }
    const reply = (status: number, payload: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(payload));
    };
    const download = req.url?.match(/^\/file\/bot([^/]+)\/(.+)$/);
    if (download) {
      const path = decodeURIComponent(download[2]!);
      this.downloads.push(path);
      const data = download[1] === this.token ? this.files.get(path) : undefined;
      if (!data) return reply(404, { ok: false, error_code: 404, description: "Not Found" });
      const held = this.heldDownloads.get(path);
      if (held) {
        // Headers go out, the bytes never do: a download that hangs mid-body.
        res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(data.length) });
        res.write(data.subarray(0, 1));
        await held;
        res.end(data.subarray(1));
        return;
      }
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.end(data);
      return;
    }
    const match = req.url?.match(/^\/bot([^/]+)\/(\w+)/);
    if (!match || match[1] !== this.token) return reply(401, { ok: false, error_code: 401, description: "Unauthorized" });
    const method = match[2]!;
    const { args, file } = await parseBody(body, req.headers["content-type"]);
    this.calls.push(method);
    if (method !== "getUpdates") {
      const request: FakeRequest = { method, args, ...(file ? { file } : {}) };
      const failure = this.failures.shift() ?? this.takeRule(request);
      if (failure) {
        this.failedRequests++;
        if (failure === "reset") {
          req.socket.destroy();
          return;
        }
        return reply(failure.status, {
          ok: false,
          error_code: failure.status,
          description: failure.description,
          ...(failure.retryAfter ? { parameters: { retry_after: failure.retryAfter } } : {}),
        });
      }
      const hold = this.holds.find((h) => h.when(request));
      if (hold) {
        this.holds.splice(this.holds.indexOf(hold), 1);
        hold.reached();
        await hold.gate;
      }
    }
    switch (method) {
      case "getMe":
        return reply(200, { ok: true, result: { ...BOT_USER, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false } });
      case "getFile": {
        const id = String(args.file_id);
        if (!this.files.has(id)) return reply(400, { ok: false, error_code: 400, description: "Bad Request: invalid file_id" });
        return reply(200, { ok: true, result: { file_id: id, file_unique_id: id, file_size: this.files.get(id)!.length, file_path: id } });
      }
      case "sendPhoto":
      case "sendVoice":
      case "sendDocument": {
        const sent = { method, ...args, message_id: this.nextMessageId++, ...(file ? { file } : {}) } as SentMessage;
        this.sent.push(sent);
        this.onSent?.(sent);
        return reply(200, { ok: true, result: { message_id: sent.message_id, date: Math.floor(Date.now() / 1000), chat: { id: Number(args.chat_id), type: "private" }, caption: args.caption } });
      }
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
        // As the Bot API: `web_app` inline buttons only in a private chat, and only to an HTTPS page.
        const markup = typeof args.reply_markup === "string" ? args.reply_markup : JSON.stringify(args.reply_markup ?? {});
        if (markup.includes('"web_app"') && (String(args.chat_id).startsWith("-") || markup.includes('"web_app":{"url":"http:'))) {
          return reply(400, { ok: false, error_code: 400, description: "Bad Request: BUTTON_TYPE_INVALID" });
        }
        const sent = { method, ...args, message_id: this.nextMessageId++ } as SentMessage;
        this.sent.push(sent);
        this.onSent?.(sent);
        return reply(200, { ok: true, result: { message_id: sent.message_id, date: Math.floor(Date.now() / 1000), chat: { id: Number(args.chat_id), type: "private" }, text: args.text } });
      }
      case "deleteMessage": {
        // As the Bot API: only a post the bot made, once.
        const post = this.sent.find((m) => String(m.chat_id) === String(args.chat_id) && m.message_id === Number(args.message_id));
        const key = `${String(args.chat_id)}:${String(args.message_id)}`;
        if (!post || this.deleted.includes(key)) return reply(400, { ok: false, error_code: 400, description: "Bad Request: message to delete not found" });
        this.deleted.push(key);
        return reply(200, { ok: true, result: true });
      }
      default:
        this.otherRequests.push({ method, args });
        return reply(200, { ok: true, result: true });
    }
  }
}

/** JSON, form or multipart bodies, as the Bot API accepts; a multipart file part is returned apart. */
async function parseBody(body: Buffer, contentType: string | undefined): Promise<{ args: Record<string, unknown>; file?: { name: string; data: Buffer } }> {
  if (!body.length) return { args: {} };
  if (contentType?.includes("application/json")) return { args: JSON.parse(body.toString("utf8")) as Record<string, unknown> };
  if (contentType?.includes("multipart/form-data")) {
    const args: Record<string, unknown> = {};
    let file: { name: string; data: Buffer } | undefined;
    await new Promise<void>((resolve, reject) => {
      const parser = new Busboy({ headers: { "content-type": contentType } });
      parser.on("field", (name: string, value: string) => {
        args[name] = value;
      });
      parser.on("file", (_field: string, stream: NodeJS.ReadableStream, name: string) => {
        const parts: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => parts.push(chunk));
        stream.on("end", () => {
          file = { name, data: Buffer.concat(parts) };
        });
      });
      parser.on("finish", resolve);
      parser.on("error", reject);
      parser.end(body);
    });
    return { args, ...(file ? { file } : {}) };
  }
  return { args: Object.fromEntries(new URLSearchParams(body.toString("utf8"))) };
}
