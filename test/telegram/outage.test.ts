import { afterEach, describe, expect, it } from "vitest";
import { countPendingOutbox, enqueueOutbox } from "../../src/adapters/db/repositories/outbox.ts";
import { type TestDatabase, testDatabases } from "../support/databases.ts";
import type { FakeFailure } from "../support/fakeTelegram.ts";
import { type OutboxStage, startOutboxStage, TEAM_CHAT } from "../support/outboxStage.ts";

const CHATS = [TEAM_CHAT, "6001", "6002"];
const LONG = "y".repeat(700);

// A 30 s Telegram outage (429s with retry_after, 500s, connection resets) on the ManualClock, with
// the real worker against the fake Bot API: afterwards every part has arrived once, in order per chat.
describe.each(testDatabases())("a Telegram outage on $name", (database: TestDatabase) => {
  let stage: OutboxStage;
  afterEach(async () => {
    await stage?.close();
  });

  it("delivers every part exactly once and in order per chat after 30 s of 429s, 500s and resets", async () => {
    stage = await startOutboxStage(database);
    const worker = stage.startWorker({ maxBackoffMs: 4000 });
    const expected = new Map<string, string[]>(CHATS.map((chat) => [chat, []]));
    let n = 0;
    /** Message n: some with a text and two files (three parts), some a photo with a caption, some text. */
    const queue = async () => {
      n++;
      const shape = n % 3;
      const files = shape === 0 ? [`m${n}a.png`, `m${n}b.png`] : shape === 1 ? [`m${n}.png`] : [];
      const body = `outage m${n} ${shape === 0 ? LONG : ""}`;
      const { messageId } = await stage.visitorSays(body, files);
      const parts = shape === 0 ? [`m${n}`, ...files] : shape === 1 ? files : [`m${n}`];
      expected.get(TEAM_CHAT)!.push(...parts);
      // The same alert to one of the other chats too, as for an assigned agent.
      const other = CHATS[1 + (n % 2)]!;
      await enqueueOutbox(stage.domain.db, "telegram.visitor_message", { messageId, chatId: other, isNew: false }, stage.clock.now());
      expected.get(other)!.push(...parts);
    };

    const pattern: FakeFailure[] = [
      { status: 429, description: "Too Many Requests: retry after 2", retryAfter: 2 },
      { status: 500, description: "Internal Server Error" },
      "reset",
    ];
    let outage = true;
    let failures = 0;
    stage.telegram.failWhen(() => outage, () => pattern[failures++ % pattern.length]!, Number.POSITIVE_INFINITY);

    for (let i = 0; i < 4; i++) await queue();
    for (let second = 1; second <= 30; second++) {
      if (second % 10 === 0) await queue(); // more arrives during the outage
      stage.clock.advance(1000);
      worker.kick();
      await worker.nextRound();
    }
    expect(failures).toBeGreaterThanOrEqual(pattern.length);
    expect(stage.telegram.sent.filter((m) => String(m.text ?? m.caption ?? "").includes("outage") || m.file)).toHaveLength(0);

    outage = false;
    await queue(); // and right after
    await stage.waitFor(async () => {
      stage.clock.advance(1000);
      worker.kick();
      await worker.nextRound();
      return (await countPendingOutbox(stage.domain.db)) === 0 || undefined;
    }, "the outbox to empty");

    const label = (post: string) => (post.startsWith("file:") ? post.slice(5) : (post.match(/outage (m\d+)/)?.[1] ?? post));
    for (const chat of CHATS) expect(stage.postsIn(chat).map(label), `chat ${chat}`).toEqual(expected.get(chat));
  }, 60_000);
});
