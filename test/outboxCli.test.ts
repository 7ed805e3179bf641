import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../src/adapters/db/database.ts";
import { enqueueOutbox } from "../src/adapters/db/repositories/outbox.ts";
import { type CliResult, killAllDestek, runCli } from "./support/process.ts";

// What an operator does after a dead-letter notice: list the dead notifications, queue one again.
describe("destek outbox", () => {
  let dataDir: string;
  const destek = (args: string[]): Promise<CliResult> => runCli(args, { DATA_DIR: dataDir, LOG_LEVEL: "silent" }, "");

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), "destek-outbox-cli-"));
  });
  afterEach(async () => {
    await killAllDestek();
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("lists dead notifications and queues one again", async () => {
    expect((await destek(["migrate"])).code).toBe(0);
    expect((await destek(["outbox", "dead"])).stdout).toContain("No dead notifications.");
    const handle = openDatabase({ kind: "sqlite", file: join(dataDir, "destek.sqlite") });
    let id = "";
    try {
      id = await enqueueOutbox(handle.db, "telegram.visitor_message", { messageId: "m1", chatId: "4711" }, Date.now());
      await handle.db.updateTable("outbox").set({ status: "dead", attempts: 3, last_error: "Forbidden: bot was blocked by the user" }).where("id", "=", id).execute();
    } finally {
      await handle.close();
    }
    const dead = await destek(["outbox", "dead"]);
    expect(dead.code, dead.stderr).toBe(0);
    expect(dead.stdout).toContain(id);
    expect(dead.stdout).toContain("chat 4711");
    expect(dead.stdout).toContain("bot was blocked");

    const retry = await destek(["outbox", "retry", id]);
    expect(retry.code, retry.stderr).toBe(0);
    const again = openDatabase({ kind: "sqlite", file: join(dataDir, "destek.sqlite") });
    try {
      expect(await again.db.selectFrom("outbox").select(["status", "attempts"]).where("id", "=", id).executeTakeFirst()).toEqual({ status: "pending", attempts: 0 });
    } finally {
      await again.close();
    }
    const missing = await destek(["outbox", "retry", "no-such-row"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("No dead outbox row no-such-row.");
    expect(missing.stderr).not.toMatch(/^\s+at /m);
  }, 120_000);
});
