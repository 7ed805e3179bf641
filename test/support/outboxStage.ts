import { Bot } from "grammy";
import sharp from "sharp";
import type { OutboxRow } from "../../src/adapters/db/repositories/outbox.ts";
import { type OutboxWorker, type OutboxWorkerOptions, startOutboxWorker } from "../../src/adapters/telegram/outboxWorker.ts";
import { uploadAttachment } from "../../src/domain/chat/attachments.ts";
import { sendVisitorMessage } from "../../src/domain/chat/messages.ts";
import { identifyVisitor } from "../../src/domain/chat/visitors.ts";
import { newClientId, newVisitorToken } from "./chatClients.ts";
import type { TestDatabase } from "./databases.ts";
import { FakeTelegram, type SentMessage } from "./fakeTelegram.ts";
import { waitFor } from "./process.ts";
import { startTestApp, type TestApp } from "./testApp.ts";

export const TEAM_CHAT = "-100777";

/** A worker the test drives: it counts finished rounds, so a test can wait for "one more round". */
export interface DrivenWorker extends OutboxWorker {
  /** Resolves after a round that started after this call has finished. */
  nextRound(): Promise<void>;
  leader: boolean;
}

/**
 * The real outbox worker against the fake Bot API on a real database, without the app's own worker
 * (the bridge is not started): tests start one or more workers and move the ManualClock themselves.
 */
export async function startOutboxStage(database: TestDatabase, env: Record<string, string> = {}) {
  const telegram = await new FakeTelegram().start();
  const db = await database.open();
  const t: TestApp = await startTestApp({ database: db, telegram, env: { TELEGRAM_ADMIN_CHAT_ID: TEAM_CHAT, ...env } });
  const api = new Bot(telegram.token, { client: { apiRoot: telegram.apiRoot, timeoutSeconds: 30 } }).api;
  const workers: OutboxWorker[] = [];
  const domain = t.deps.domain;

  const startWorker = (options: Partial<OutboxWorkerOptions> & { leader?: boolean } = {}): DrivenWorker => {
    let rounds = 0;
    const waiters: Array<{ after: number; resolve: () => void }> = [];
    const state = { leader: options.leader ?? true };
    const worker = startOutboxWorker({
      deps: domain,
      api,
      log: t.deps.log,
      metrics: t.deps.metrics,
      isLeader: () => state.leader,
      alertFloodPerMinute: 1000,
      idleMs: 100,
      ...options,
      onRound: () => {
        rounds++;
        for (const waiter of waiters.filter((w) => rounds > w.after)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      },
    });
    workers.push(worker);
    return {
      kick: worker.kick,
      stop: worker.stop,
      // The round in progress may have begun before the call: wait for the one after it.
      nextRound: () => new Promise<void>((resolve) => waiters.push({ after: rounds + 1, resolve })),
      get leader() {
        return state.leader;
      },
      set leader(value: boolean) {
        state.leader = value;
      },
    };
  };

  const png = (color: string) => sharp({ create: { width: 8, height: 8, channels: 3, background: color } }).png().toBuffer();

  /** A new visitor's message (opening a conversation), with files named as given; queues its alerts. */
  const visitorSays = async (body: string, fileNames: string[] = [], token = newVisitorToken()) => {
    const visitor = await identifyVisitor(domain, { token, userAgent: null, language: null, origin: { address: "127.0.0.1" } });
    const attachmentIds: string[] = [];
    for (const [index, fileName] of fileNames.entries()) {
      const data = await png(["#f00", "#0f0", "#00f", "#ff0"][index % 4]!);
      attachmentIds.push((await uploadAttachment(domain, { uploader: `visitor:${visitor.id}`, data, fileName, voice: false, truncated: false })).id);
    }
    const sent = await sendVisitorMessage(domain, visitor, { clientId: newClientId(), body, attachmentIds, origin: { address: "127.0.0.1" } });
    return { token, messageId: sent.message.id, conversationId: sent.message.conversationId };
  };

  /** The outbox rows queued for a message. */
  const rowsOf = (messageId: string): Promise<OutboxRow[]> =>
    domain.db.selectFrom("outbox").selectAll().where("payload", "like", `%${messageId}%`).execute();

  const row = (id: string): Promise<OutboxRow | undefined> => domain.db.selectFrom("outbox").selectAll().where("id", "=", id).executeTakeFirst();

  const waitForRow = (id: string, status: OutboxRow["status"], timeoutMs = 20_000) =>
    waitFor(async () => ((await row(id))?.status === status ? true : undefined), timeoutMs, () => `outbox row ${id} to be ${status}`);

  /** What reached a chat, in order: the text or caption of each post, or the uploaded file's name. */
  const postsIn = (chatId: string) =>
    telegram.sent.filter((m) => String(m.chat_id) === chatId).map((m: SentMessage) => (m.file ? `file:${m.file.name}` : String(m.text ?? m.caption ?? "")));

  return {
    t,
    telegram,
    /** Polls `probe` (10 s) until it gives a value. */
    waitFor: <T>(probe: () => Promise<T | undefined>, what: string) => waitFor(probe, 20_000, () => what),
    domain,
    clock: t.clock,
    startWorker,
    visitorSays,
    rowsOf,
    row,
    waitForRow,
    postsIn,
    async close() {
      for (const worker of workers) await worker.stop();
      await t.close();
      await telegram.stop();
      await db.dispose();
    },
  };
}

export type OutboxStage = Awaited<ReturnType<typeof startOutboxStage>>;
