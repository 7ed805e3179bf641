import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../src/adapters/db/database.ts";
import { findAgentByUsername } from "../src/adapters/db/repositories/agents.ts";
import { verifyPassword } from "../src/domain/auth/passwords.ts";
import { type CliResult, killAllDestek, runCli } from "./support/process.ts";

const PASSWORD = "first password 4711";
const NEW_PASSWORD = "second password 0815";
const SHORT_PASSWORD = "short4711";

describe("destek CLI on the default SQLite database", () => {
  let dataDir: string;
  const outputs: CliResult[] = [];

  /** Runs `node bin/destek.js ...args` with `input` piped to standard input. */
  async function destek(args: string[], input = ""): Promise<CliResult> {
    const result = await runCli(args, { DATA_DIR: dataDir, LOG_LEVEL: "silent" }, input);
    outputs.push(result);
    return result;
  }

  /** The `agent list` table row of one username. */
  async function listedRow(username: string): Promise<string> {
    const list = await destek(["agent", "list"]);
    expect(list.code, list.stderr).toBe(0);
    const row = list.stdout.split("\n").find((line) => line.includes(`'${username}'`));
    if (!row) throw new Error(`${username} is not listed:\n${list.stdout}`);
    return row;
  }

  async function withDatabase<T>(use: (handle: ReturnType<typeof openDatabase>) => Promise<T>): Promise<T> {
    const handle = openDatabase({ kind: "sqlite", file: join(dataDir, "destek.sqlite") });
    try {
      return await use(handle);
    } finally {
      await handle.close();
    }
  }

  const noStackTrace = (result: CliResult) => expect(result.stderr).not.toMatch(/^\s+at /m);

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), "destek-cli-"));
  });
  afterEach(async () => {
    await killAllDestek();
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("says there are no agents on a fresh install", async () => {
    const list = await destek(["agent", "list"]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain("No agents yet.");
  });

  it("creates an admin with the password read from standard input", async () => {
    const result = await destek(
      ["agent", "add", "--username", "Ayse", "--name", "Ayşe Yılmaz", "--admin", "--telegram-chat-id", "12345"],
      `${PASSWORD}\n`,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("Created admin ayse");
  });

  it("lists the new admin as an active admin linked to Telegram", async () => {
    const row = await listedRow("ayse");
    expect(row).toContain("Ayşe Yılmaz");
    expect(row).toContain("'admin'");
    expect(row).toContain("'linked'");
    expect(row).toContain("'active'");
  });

  it("refuses a taken username, whatever its case, with a clear message", async () => {
    const result = await destek(["agent", "add", "--username", "AYSE", "--name", "Another Ayşe"], `${PASSWORD}\n`);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/taken/);
    expect(result.stderr).toContain("ayse");
    noStackTrace(result);
  });

  it("refuses a password shorter than 10 characters and creates nothing", async () => {
    const result = await destek(["agent", "add", "--username", "bora", "--name", "Bora"], `${SHORT_PASSWORD}\n`);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/at least 10 characters/);
    noStackTrace(result);
    await withDatabase(async ({ db }) => {
      expect(await findAgentByUsername(db, "bora")).toBeUndefined();
    });
  });

  it("prints the usage when --name is missing", async () => {
    const result = await destek(["agent", "add", "--username", "bora"], `${PASSWORD}\n`);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("--name");
    expect(result.stderr).toContain("Usage: destek");
    noStackTrace(result);
  });

  it("resets a password from standard input; only the new one verifies", async () => {
    const result = await destek(["agent", "reset-password", "ayse"], `${NEW_PASSWORD}\n`);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("Password of ayse changed");
    await withDatabase(async ({ db }) => {
      const row = await findAgentByUsername(db, "ayse");
      expect(row).toBeDefined();
      expect(await verifyPassword(row?.password_hash, NEW_PASSWORD)).toBe(true);
      expect(await verifyPassword(row?.password_hash, PASSWORD)).toBe(false);
    });
  });

  it("disables an agent", async () => {
    const result = await destek(["agent", "disable", "ayse"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("Disabled ayse");
    expect(await listedRow("ayse")).toContain("'disabled'");
  });

  it("enables a disabled agent again", async () => {
    expect((await destek(["agent", "disable", "ayse"])).code).toBe(0);
    const result = await destek(["agent", "enable", "ayse"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("Enabled ayse");
    expect(await listedRow("ayse")).toContain("'active'");
    await withDatabase(async ({ db }) => {
      const row = await findAgentByUsername(db, "ayse");
      expect(row?.disabled_at).toBeNull();
      const entries = await db.selectFrom("audit_log").select("action").where("target_id", "=", row?.id ?? "").execute();
      expect(entries.map((e) => e.action)).toContain("agent.enabled");
    });
  });

  it("refuses to enable without a username", async () => {
    const result = await destek(["agent", "enable"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("agent enable needs a username");
    noStackTrace(result);
  });

  it("reports an unknown agent clearly", async () => {
    const result = await destek(["agent", "disable", "nobody"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("nobody");
    noStackTrace(result);
  });

  it("migrates an up-to-date database without complaint", async () => {
    const result = await destek(["migrate"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/up to date/);
  });

  it("prints the usage for an unknown command", async () => {
    const result = await destek(["frobnicate"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('unknown command "frobnicate"');
    expect(result.stderr).toContain("Usage: destek");
    noStackTrace(result);
  });

  it("never prints a password", () => {
    expect(outputs.length).toBeGreaterThan(5);
    for (const { stdout, stderr } of outputs) {
      for (const secret of [PASSWORD, NEW_PASSWORD, SHORT_PASSWORD]) {
        expect(stdout).not.toContain(secret);
        expect(stderr).not.toContain(secret);
      }
    }
  });
});
