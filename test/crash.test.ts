import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { io, type Socket } from "socket.io-client";
import { afterAll, describe, expect, it } from "vitest";
import type { Ack, MessageView } from "../src/protocol/chat.ts";
import { DestekProcess, freePort, killAllDestek, waitFor } from "./support/process.ts";

// "No lost messages": kill the server with SIGKILL mid-conversation, start it again, and check that
// every acknowledged message survived and every unacknowledged one arrives from the client's outbox,
// once each and in order. The client keeps its outbox the way the widget does. (28 messages stay
// under the per-visitor limit of 30 a minute.)
describe("a server killed mid-conversation", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "destek-crash-"));
  afterAll(async () => {
    await killAllDestek();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("loses no acknowledged message and no message still in a client outbox", async () => {
    const port = await freePort();
    const env = { PORT: String(port), HOST: "127.0.0.1", DATA_DIR: dataDir, LOG_LEVEL: "warn" };
    const base = `http://127.0.0.1:${port}`;
    const healthy = () => waitFor(async () => ((await fetch(`${base}/health`).catch(() => undefined))?.ok ? true : undefined), 40_000, () => "health");

    let server = new DestekProcess(["serve"], env);
    await healthy();

    const socket: Socket = io(`${base}/visitor`, {
      auth: { visitorToken: randomBytes(32).toString("base64url") },
      transports: ["websocket"],
      reconnectionDelay: 100,
      reconnectionDelayMax: 300,
    });
    const outbox: Array<{ clientId: string; body: string }> = Array.from({ length: 28 }, (_, i) => ({ clientId: randomUUID(), body: `message ${i}` }));
    const acked = new Map<string, number>();

    /** Sends the outbox in order, one at a time, like the widget; stops at the first failure. */
    const flush = async (onAck?: () => void) => {
      while (outbox.length) {
        const next = outbox[0]!;
        let ack: Ack<{ message: MessageView }>;
        try {
          ack = await socket.timeout(1500).emitWithAck("message:send", next);
        } catch {
          return; // no answer: keep it and resend after reconnect
        }
        if (!ack.ok) throw new Error(ack.error.message);
        acked.set(next.clientId, ack.data.message.seq);
        outbox.shift();
        onAck?.();
      }
    };

    await waitFor(() => (socket.connected ? true : undefined), 10_000, () => "socket connect");
    let killed = false;
    await flush(() => {
      if (acked.size === 12 && !killed) {
        killed = true;
        server.kill("SIGKILL");
      }
    });
    await server.closed;
    expect(server.exit?.signal).toBe("SIGKILL");
    const ackedBeforeCrash = new Map(acked);
    expect(ackedBeforeCrash.size).toBeGreaterThanOrEqual(12);
    expect(outbox.length).toBeGreaterThan(0);

    server = new DestekProcess(["serve"], env);
    await healthy();
    await waitFor(() => (socket.connected ? true : undefined), 20_000, () => "socket reconnect");
    await flush();
    expect(outbox).toHaveLength(0);

    const sync: Ack<{ messages: MessageView[] }> = await socket.timeout(5000).emitWithAck("conversation:sync", { afterSeq: 0 });
    if (!sync.ok) throw new Error(sync.error.message);
    const stored = sync.data.messages;
    expect(stored.map((m) => m.body)).toEqual(Array.from({ length: 28 }, (_, i) => `message ${i}`));
    expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: 28 }, (_, i) => i + 1));
    for (const [clientId, seq] of ackedBeforeCrash) expect(stored.find((m) => m.clientId === clientId)?.seq).toBe(seq);

    socket.close();
    server.kill("SIGTERM");
    await server.exited(15_000);
  }, 90_000);
});
