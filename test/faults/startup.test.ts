import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freshPostgresDatabase } from "../support/databases.ts";
import { DestekProcess, freePort, killAllDestek } from "../support/process.ts";

// A node that cannot listen must exit non-zero with one clear line, so a supervisor restarts it
// (or an operator sees why), never exit 0 nor hang with its connections open.
const setups: Array<{ name: string; env: () => Promise<{ env: Record<string, string>; dispose(): Promise<void> }> }> = [
  { name: "SQLite", env: async () => ({ env: {}, dispose: async () => undefined }) },
];
const pgUrl = process.env.TEST_DATABASE_URL;
const redisUrl = process.env.TEST_REDIS_URL;
if (pgUrl && redisUrl) {
  setups.push({
    name: "PostgreSQL + Redis",
    env: async () => {
      const schema = await freshPostgresDatabase(pgUrl);
      return { env: { DATABASE_URL: schema.url, REDIS_URL: redisUrl }, dispose: () => schema.dispose() };
    },
  });
}

describe.each(setups)("destek serve on $name when the port is taken", (setup) => {
  let blocker: Server | undefined;
  afterEach(async () => {
    await killAllDestek();
    await new Promise((resolve) => (blocker ? blocker.close(resolve) : resolve(undefined)));
  });

  it("exits 1 with a one-line message naming the address", async () => {
    const port = await freePort();
    blocker = createServer();
    await new Promise<void>((resolve) => blocker?.listen(port, "127.0.0.1", resolve));
    const dataDir = mkdtempSync(join(tmpdir(), "destek-port-"));
    const { env, dispose } = await setup.env();
    try {
      const server = new DestekProcess(["serve"], { ...env, DATA_DIR: dataDir, HOST: "127.0.0.1", PORT: String(port), LOG_LEVEL: "info" });
      const exit = await server.exited(20_000);
      expect(exit, server.describe()).toEqual({ code: 1, signal: null });
      expect(server.stderr, server.describe()).toMatch(new RegExp(`^destek: cannot listen on 127\\.0\\.0\\.1:${port}: [^\\n]*in use[^\\n]*\\n$`));
    } finally {
      await dispose();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
