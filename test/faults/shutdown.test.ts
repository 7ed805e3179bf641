import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { io, type Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { newVisitorToken } from "../support/chatClients.ts";
import { FakeTelegram } from "../support/fakeTelegram.ts";
import { DestekProcess, freePort, killAllDestek, processStorages, waitFor } from "../support/process.ts";

type LogLine = { level: number; msg: string } & Record<string, unknown>;

// Widgets stay connected for hours: a rolling deploy must not wait them out. SIGTERM drops the
// sockets in a way the clients retry (to another node behind the balancer), then exits.
describe.each(processStorages())("SIGTERM on $name with widgets connected", (setup) => {
  const sockets: Socket[] = [];
  const telegram = new FakeTelegram();
  beforeAll(async () => {
    await telegram.start();
  });
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    await killAllDestek();
  });
  afterAll(() => telegram.stop());

  it("exits 0 in under 3 s, the clients reconnecting by themselves, nothing logged as an error", async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), "destek-shutdown-"));
    const { env, dispose } = await setup.env();
    try {
      const server = new DestekProcess(["serve"], {
        ...env,
        DATA_DIR: dataDir,
        HOST: "127.0.0.1",
        PORT: String(port),
        LOG_LEVEL: "info",
        TELEGRAM_BOT_TOKEN: telegram.token,
        TELEGRAM_API_ROOT: telegram.apiRoot,
      });
      const logLines = () =>
        server.stdout
          .split("\n")
          .slice(0, -1)
          .map((line) => JSON.parse(line) as LogLine);
      await waitFor(() => (logLines().some((l) => l.msg === `Server listening at http://127.0.0.1:${port}`) ? true : undefined), 40_000, () => server.describe());

      // One widget on a websocket, one still on long-polling (a widget's first transport).
      const disconnects: Array<Promise<{ reason: string; willReconnect: boolean }>> = [];
      for (const transports of [["websocket"], ["polling"]]) {
        const socket = io(`http://127.0.0.1:${port}/visitor`, { auth: { visitorToken: newVisitorToken() }, transports, reconnectionDelay: 60_000, forceNew: true });
        sockets.push(socket);
        await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("connect_error", reject));
        await socket.timeout(10_000).emitWithAck("conversation:sync", {});
        disconnects.push(new Promise((resolve) => socket.once("disconnect", (reason) => resolve({ reason, willReconnect: socket.active }))));
      }

      // With Redis, this node holds the Telegram lease; shutting down must hand it back at once.
      const leaseKey = `destek:telegram:leader:${telegram.token.split(":")[0]}`;
      const redis = env.REDIS_URL ? new Redis(env.REDIS_URL) : undefined;
      if (redis) await expect.poll(() => redis.get(leaseKey), { timeout: 20_000 }).not.toBeNull();

      const started = Date.now();
      server.kill("SIGTERM");
      const exit = await server.exited(10_000);
      const elapsedMs = Date.now() - started;
      expect(exit, server.describe()).toEqual({ code: 0, signal: null });
      expect(elapsedMs, server.describe()).toBeLessThan(3000);
      for (const { reason, willReconnect } of await Promise.all(disconnects)) {
        expect(reason).not.toBe("io server disconnect");
        expect(willReconnect).toBe(true);
      }
      const lines = logLines();
      expect(lines.filter((l) => l.level >= 50), server.describe()).toEqual([]);
      expect(lines.some((l) => l.msg === "shutting down")).toBe(true);
      // Only the first-run setup link (printed as a plain line on purpose) may be on stderr.
      expect(server.stderr.split("\n").filter((line) => line && !line.startsWith("No agent exists yet."))).toEqual([]);
      if (redis) {
        expect(await redis.get(leaseKey)).toBeNull();
        await redis.quit();
      }
    } finally {
      await dispose();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
