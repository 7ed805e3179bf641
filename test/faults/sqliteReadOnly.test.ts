import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { newVisitorToken, openSocket } from "../support/chatClients.ts";
import { capturedLog } from "../support/logCapture.ts";
import { startTestServer, type TestServer } from "../support/testApp.ts";

// chmod does not stop a process that already holds the file open (nor root): the immutable flag
// does, for open descriptors too (writes fail with EPERM). It needs root (CAP_LINUX_IMMUTABLE)
// and a file system that has the flag (ext4, xfs, btrfs).
function immutableFlagWorks(): boolean {
  const dir = mkdtempSync(join(tmpdir(), "destek-chattr-"));
  const file = join(dir, "probe");
  writeFileSync(file, "x");
  try {
    execFileSync("chattr", ["+i", file], { stdio: "ignore" });
    execFileSync("chattr", ["-i", file], { stdio: "ignore" });
    return true;
  } catch (error) {
    // CI runs as root on a file system that has the flag: there, not being able to run is a failure, not a skip.
    if (process.env.CI) throw new Error(`CI must be able to make a file immutable (chattr +i) for the read-only SQLite test: ${String(error)}`);
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const setImmutable = (files: string[], on: boolean) => {
  for (const file of files) if (existsSync(file)) execFileSync("chattr", [on ? "+i" : "-i", file]);
};

describe.runIf(immutableFlagWorks())("an SQLite file that turns read-only while running", () => {
  let t: TestServer;
  let files: string[];
  const captured = capturedLog("info");

  beforeAll(async () => {
    t = await startTestServer({ log: captured.log });
    files = [t.databaseFile, `${t.databaseFile}-wal`];
  });
  afterEach(() => setImmutable(files, false));
  afterAll(async () => {
    setImmutable(files, false);
    await t.close();
  });

  it("makes /ready fail, tells new visitors `unavailable`, and recovers when writable again", async () => {
    expect((await t.app.inject({ method: "GET", url: "/ready" })).statusCode).toBe(200);
    const before = await openSocket(`${t.url}/visitor`, { visitorToken: newVisitorToken() });
    before.close();

    setImmutable(files, true);
    const ready = await t.app.inject({ method: "GET", url: "/ready" });
    expect(ready.statusCode, ready.body).toBe(503);
    expect(ready.json()).toMatchObject({ status: "unavailable", checks: { database: expect.not.stringMatching(/^ok$/) } });
    await expect(openSocket(`${t.url}/visitor`, { visitorToken: newVisitorToken() })).rejects.toThrow(/^unavailable$/);
    expect(captured.lines.filter((l) => l.msg === "database unavailable")).toHaveLength(1);

    setImmutable(files, false);
    expect((await t.app.inject({ method: "GET", url: "/ready" })).statusCode).toBe(200);
    const after = await openSocket(`${t.url}/visitor`, { visitorToken: newVisitorToken() });
    after.close();
    expect(captured.lines.some((l) => l.msg === "database reachable again")).toBe(true);
  });
});
