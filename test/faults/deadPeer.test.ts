import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/adapters/db/database.ts";
import { findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { startSession } from "../../src/domain/auth/sessions.ts";
import { openSocket, request } from "../support/chatClients.ts";
import { freshPostgresDatabase } from "../support/databases.ts";
import { capturedLog } from "../support/logCapture.ts";
import { DestekProcess, freePort, killAllDestek, waitFor } from "../support/process.ts";
import { RedisServer } from "../support/redisServer.ts";
import { addAgent, startTestApp, type TestApp } from "../support/testApp.ts";

// A peer node that stops answering still counts as a cluster member; every fetchSockets
// (presence) waits for it and then rejects. The node that asked must keep serving.
const pgUrl = process.env.TEST_DATABASE_URL;
describe.runIf(pgUrl)("a peer node that stops answering while a console connects", () => {
  const redis = new RedisServer();
  const captured = capturedLog("info");
  const dataDir = mkdtempSync(join(tmpdir(), "destek-peer-"));
  let schema: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let node: TestApp;
  let url: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    await redis.start();
    schema = await freshPostgresDatabase(pgUrl ?? "");
    const database = openDatabase({ kind: "postgres", url: schema.url });
    const secret = randomUUID() + randomUUID();
    node = await startTestApp({ database, env: { REDIS_URL: redis.url, SECRET_KEY: secret }, log: captured.log });
    await node.app.listen({ port: 0, host: "127.0.0.1" });
    url = `http://127.0.0.1:${(node.app.server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await killAllDestek();
    await node?.close();
    await node?.deps.database.close();
    await schema?.dispose();
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("logs the failed presence check and keeps serving", async () => {
    const port = await freePort();
    const peer = new DestekProcess(["serve"], { DATABASE_URL: schema.url, REDIS_URL: redis.url, DATA_DIR: dataDir, HOST: "127.0.0.1", PORT: String(port), LOG_LEVEL: "warn", SECRET_KEY: node.deps.config.secretKey ?? "" });
    await waitFor(async () => ((await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined))?.ok ? true : undefined), 40_000, () => peer.describe());
    // Both nodes are in the cluster once the peer has subscribed to the adapter's channel.
    await expect.poll(() => node.app.io.of("/agent").adapter.serverCount(), { timeout: 20_000 }).toBe(2);
    // Frozen, not killed: its connections stay open (Redis still counts it as subscribed) but it
    // answers nothing, like a node that hangs or sits behind a network partition.
    peer.kill("SIGSTOP");

    await addAgent(node.deps, "survivor");
    const agent = (await findAgentByUsername(node.deps.domain.db, "survivor"))!;
    const token = (await startSession(node.deps.domain, agent, { ip: null, userAgent: null })).accessToken;
    const console = await openSocket(`${url}/agent`, { token });
    sockets.push(console);
    await expect.poll(() => captured.lines.find((l) => l.msg === "could not tell widgets whether agents are online: a node did not answer"), { timeout: 30_000 }).toBeDefined();

    await expect(request(console, "calls:sync", {})).resolves.toBeDefined();
    expect((await node.app.inject({ method: "GET", url: "/health" })).statusCode).toBe(200);
  }, 120_000);
});
