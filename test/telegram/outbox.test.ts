import { afterEach, describe, expect, it } from "vitest";
import { enqueueOutbox } from "../../src/adapters/db/repositories/outbox.ts";
import { type TestDatabase, testDatabases } from "../support/databases.ts";
import { type OutboxStage, startOutboxStage, TEAM_CHAT } from "../support/outboxStage.ts";

const OTHER_CHAT = "5150";
const LONG = "x".repeat(1200);

// The outbox worker against the fake Bot API, on every test database: order, once, dead letters, leases.
describe.each(testDatabases())("Telegram outbox on $name", (database: TestDatabase) => {
  let stage: OutboxStage;
  afterEach(async () => {
    await stage?.close();
  });

  it("keeps a chat's later alerts behind an earlier one that waits for a retry", async () => {
    stage = await startOutboxStage(database);
    const worker = stage.startWorker({ maxBackoffMs: 5000 });
    stage.telegram.failWhen((r) => String(r.args.text).includes("first in line"), { status: 500, description: "Internal Server Error" });
    const first = await stage.visitorSays("first in line");
    await stage.waitFor(async () => ((await stage.rowsOf(first.messageId))[0]?.attempts ?? 0) >= 1 || undefined, "the first alert to be tried");
    const second = await stage.visitorSays("second in line");
    // A later row for another chat is the marker: once it is out, the team chat's row had its chance too.
    await enqueueOutbox(stage.domain.db, "telegram.visitor_message", { messageId: second.messageId, chatId: OTHER_CHAT, isNew: false }, stage.clock.now());
    worker.kick();
    await stage.telegram.waitForSent((m) => String(m.chat_id) === OTHER_CHAT);
    // By now the second alert had its chance to overtake; it may only be out if the first's retry came first.
    const soFar = stage.postsIn(TEAM_CHAT);
    const secondAt = soFar.findIndex((p) => p.includes("second in line"));
    const firstAt = soFar.findIndex((p) => p.includes("first in line"));
    if (secondAt !== -1) expect(firstAt !== -1 && firstAt < secondAt, `posted: ${soFar.join(" | ")}`).toBe(true);

    stage.clock.advance(10_000);
    worker.kick();
    await stage.waitForRow((await stage.rowsOf(second.messageId)).find((r) => JSON.parse(r.payload).chatId === TEAM_CHAT)!.id, "sent");
    const posts = stage.postsIn(TEAM_CHAT);
    expect(posts.map((p) => (p.includes("first in line") ? 1 : p.includes("second in line") ? 2 : 0))).toEqual([1, 2]);
  });

  it("resends only the part that failed, and the ones after it", async () => {
    stage = await startOutboxStage(database);
    const worker = stage.startWorker({ maxBackoffMs: 5000 });
    stage.telegram.failWhen((r) => r.file?.name === "two.png", { status: 502, description: "Bad Gateway" });
    const { messageId } = await stage.visitorSays(`three files ${LONG}`, ["one.png", "two.png", "three.png"]);
    const [row] = await stage.rowsOf(messageId);
    await stage.waitFor(async () => ((await stage.row(row!.id))?.last_error ? true : undefined), "file two to fail");
    stage.clock.advance(10_000);
    worker.kick();
    await stage.waitForRow(row!.id, "sent");
    const posts = stage.postsIn(TEAM_CHAT).map((p) => (p.startsWith("file:") ? p : "text"));
    expect(posts).toEqual(["text", "file:one.png", "file:two.png", "file:three.png"]);
    expect((await stage.row(row!.id))?.parts_sent).toBe(4);
  });

  const refusals = [
    { reason: "bot_blocked", status: 403, description: "Forbidden: bot was blocked by the user" },
    { reason: "chat_not_found", status: 400, description: "Bad Request: chat not found" },
  ] as const;
  it.each(refusals)("dead-letters $reason after a few tries, tells the team chat and counts it", async ({ reason, status, description }) => {
    stage = await startOutboxStage(database);
    const worker = stage.startWorker({ maxBackoffMs: 5000, deadAfterAttempts: 3 });
    stage.telegram.failWhen((r) => String(r.args.chat_id) === OTHER_CHAT, { status, description }, Number.POSITIVE_INFINITY);
    const { messageId } = await stage.visitorSays("for a chat that is gone");
    const id = await enqueueOutbox(stage.domain.db, "telegram.visitor_message", { messageId, chatId: OTHER_CHAT, isNew: false }, stage.clock.now());
    await stage.waitFor(async () => {
      stage.clock.advance(10_000);
      worker.kick();
      return (await stage.row(id))?.status === "dead" || undefined;
    }, "the row to be dead-lettered");
    expect((await stage.row(id))?.attempts).toBe(3);
    const notice = await stage.telegram.waitForSent((m) => String(m.chat_id) === TEAM_CHAT && String(m.text).includes(OTHER_CHAT));
    expect(notice.text).toContain(description);
    const metrics = await stage.t.deps.metrics.registry.metrics();
    expect(metrics).toMatch(new RegExp(`destek_outbox_dead_letters_total\\{[^}]*reason="${reason}"[^}]*\\} 1`));
    // The dead row holds nothing up: the chat's next alert goes out.
    stage.telegram.clearFailures();
    const next = await enqueueOutbox(stage.domain.db, "telegram.visitor_message", { messageId, chatId: OTHER_CHAT, isNew: false }, stage.clock.now());
    worker.kick();
    await stage.waitForRow(next, "sent");
  });

  it("dead-letters an alert whose stored file is missing", async () => {
    stage = await startOutboxStage(database);
    const { messageId } = await stage.visitorSays("file vanished", ["gone.png"]);
    const attachment = await stage.domain.db.selectFrom("attachments").selectAll().where("message_id", "=", messageId).executeTakeFirstOrThrow();
    await stage.domain.storage.delete(attachment.storage_key);
    const [row] = await stage.rowsOf(messageId);
    const worker = stage.startWorker({ maxBackoffMs: 5000, deadAfterAttempts: 3 });
    await stage.waitFor(async () => {
      stage.clock.advance(10_000);
      worker.kick();
      return (await stage.row(row!.id))?.status === "dead" || undefined;
    }, "the row to be dead-lettered");
    expect((await stage.row(row!.id))?.last_error).toContain("stored file missing");
    expect(await stage.t.deps.metrics.registry.metrics()).toMatch(/destek_outbox_dead_letters_total\{[^}]*reason="stored_file_missing"[^}]*\} 1/);
    // The team chat is the dead row's own chat: no notice there (it could only loop).
    expect(stage.postsIn(TEAM_CHAT).join("\n")).not.toContain("⚠️");
  });

  it("stops working a row once another worker has taken its lease", async () => {
    stage = await startOutboxStage(database);
    const a = stage.startWorker({ leaseMs: 3000 });
    const upload = stage.telegram.hold((r) => r.file?.name === "first.png");
    const { messageId } = await stage.visitorSays("two photos", ["first.png", "second.png"]);
    const [row] = await stage.rowsOf(messageId);
    await upload.reached;
    // Another node's claim, as if our lease had run out unnoticed.
    const theirs = { lease_owner: "another-node", next_attempt_at: stage.clock.now() + 600_000 };
    await stage.domain.db.updateTable("outbox").set(theirs).where("id", "=", row!.id).execute();
    await a.nextRound();
    upload.release();
    a.kick();
    await a.nextRound();
    expect(stage.telegram.sent.filter((m) => m.file?.name === "second.png")).toHaveLength(0);
    expect(await stage.row(row!.id)).toMatchObject({ status: "pending", parts_sent: 0, ...theirs });
  });

  it("renews the lease during a long upload, so a second node never sends the row again", async () => {
    stage = await startOutboxStage(database);
    // Renewed every third of it: even a worker stalled for seconds by a loaded machine renews in time.
    const leaseMs = 10_000;
    const a = stage.startWorker({ leaseMs });
    const b = stage.startWorker({ leaseMs, leader: false });
    const upload = stage.telegram.hold((r) => r.file?.name === "slow.png");
    const { messageId } = await stage.visitorSays("a slow upload", ["slow.png"]);
    const [row] = await stage.rowsOf(messageId);
    await upload.reached;
    // Long enough that an unrenewed lease would have run out...
    stage.clock.advance(2 * leaseMs);
    await stage.waitFor(async () => ((await stage.row(row!.id))!.next_attempt_at > stage.clock.now() ? true : undefined), "the lease to be renewed");
    // ...then another node takes the lead and looks for work while the upload still runs.
    b.leader = true;
    a.leader = false;
    b.kick();
    await b.nextRound();
    upload.release();
    await stage.waitForRow(row!.id, "sent");
    b.kick();
    await b.nextRound();
    expect(stage.telegram.sent.filter((m) => m.file?.name === "slow.png")).toHaveLength(1);
  });
});
