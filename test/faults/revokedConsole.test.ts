import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInWithPassword, verifySecondFactor } from "../../src/domain/auth/login.ts";
import { newClientId, newVisitorToken, openSocket, request } from "../support/chatClients.ts";
import { runCli } from "../support/process.ts";
import { addAgent, codeFrom, PASSWORD, startTestServer, type TestServer } from "../support/testApp.ts";

type MessageNew = { message: { body: string } };

// Socket.IO's connection-state recovery restores a dropped socket's rooms without running the
// handshake middleware again, unless told to: a console whose session ended must not come back.
describe("a revoked console", () => {
  let t: TestServer;
  const sockets: Socket[] = [];
  let agents = 0;

  beforeAll(async () => {
    t = await startTestServer({ jobs: true });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await t.close();
  });

  async function signIn(admin = false) {
    const username = `revoked${++agents}`;
    const chat = String(5500 + agents);
    await addAgent(t.deps, username, { telegramChatId: chat, admin });
    const client = { ip: `10.4.4.${agents}`, userAgent: null };
    const { ticket } = await signInWithPassword(t.deps.domain, { username, password: PASSWORD, ...client });
    const code = codeFrom(t.telegram.sent.findLast((m) => String(m.chat_id) === chat)?.text);
    return { username, token: (await verifySecondFactor(t.deps.domain, { ticket, code, method: "telegram", ...client })).accessToken };
  }

  /** A console socket that keeps its recovery session id and offset, like the browser's. */
  async function openConsole(token: string) {
    const socket = connect(`${t.url}/agent`, { auth: { token }, transports: ["websocket"], reconnection: false, forceNew: true });
    sockets.push(socket);
    const received: string[] = [];
    socket.on("message:new", (payload: MessageNew) => received.push(payload.message.body));
    await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("connect_error", reject));
    return { socket, received };
  }

  /** Cuts the transport as a network drop would; the client keeps its recovery session id and offset. */
  async function drop(socket: Socket): Promise<void> {
    const id = socket.id;
    const dropped = new Promise<string>((resolve) => socket.once("disconnect", resolve));
    socket.io.engine.close();
    // "forced close" on this side; the server sees the transport close, a recoverable reason.
    expect(await dropped).toBe("forced close");
    // Once the server has let the socket go, it has kept its session for a resume.
    await expect.poll(() => t.app.io.of("/agent").sockets.has(id ?? "")).toBe(false);
  }

  /** Reconnects, offering the old session id and offset. */
  async function resume(socket: Socket): Promise<{ recovered: boolean } | { refused: string }> {
    const outcome = new Promise<{ recovered: boolean } | { refused: string }>((resolve) => {
      socket.once("connect", () => resolve({ recovered: socket.recovered }));
      socket.once("connect_error", (error) => resolve({ refused: error.message }));
    });
    socket.connect();
    return outcome;
  }

  /** A visitor message, and the moment a healthy console has it: later than any delivery to the revoked one. */
  async function visitorSays(watcher: { received: string[] }, body: string) {
    const visitor = await openSocket(`${t.url}/visitor`, { visitorToken: newVisitorToken() });
    sockets.push(visitor);
    await request(visitor, "message:send", { clientId: newClientId(), body });
    await expect.poll(() => watcher.received, { timeout: 10_000 }).toContain(body);
  }

  it("resuming after sign-out everywhere is refused and hears nothing more", async () => {
    const watcher = await openConsole((await signIn()).token);
    const { token } = await signIn();
    const revoked = await openConsole(token);
    await visitorSays(watcher, "before the drop");
    await expect.poll(() => revoked.received).toContain("before the drop");

    await drop(revoked.socket);
    const res = await t.app.inject({ method: "POST", url: "/api/auth/logout-all", payload: {}, headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(204);
    expect(await resume(revoked.socket)).toEqual({ refused: "session_invalid" });

    await visitorSays(watcher, "after the sign-out");
    expect(revoked.received).toEqual(["before the drop"]);
  });

  it("resuming with any other token after the agent is disabled is refused", async () => {
    const admin = await signIn(true);
    const watcher = await openConsole(admin.token);
    const target = await signIn();
    const revoked = await openConsole(target.token);
    // A broadcast received gives the client an offset to resume from.
    await visitorSays(watcher, "before the disable");
    await expect.poll(() => revoked.received).toContain("before the disable");
    await drop(revoked.socket);
    const res = await t.app.inject({ method: "POST", url: `/api/agents/${target.username}/disable`, payload: {}, headers: { authorization: `Bearer ${admin.token}` } });
    expect(res.statusCode).toBe(200);
    revoked.socket.auth = { token: "any token at all" };
    expect(await resume(revoked.socket)).toMatchObject({ refused: expect.stringMatching(/^(session_invalid|unauthenticated)$/) });

    await visitorSays(watcher, "after the disable");
    expect(revoked.received).toEqual(["before the disable"]);
  });

  it("disabling an agent from the admin console disconnects their open consoles at once", async () => {
    const admin = await signIn(true);
    const target = await signIn();
    const open = await openConsole(target.token);
    const ended = new Promise<unknown>((resolve) => open.socket.once("session:ended", resolve));
    const gone = new Promise<string>((resolve) => open.socket.once("disconnect", resolve));
    const res = await t.app.inject({ method: "POST", url: `/api/agents/${target.username}/disable`, payload: {}, headers: { authorization: `Bearer ${admin.token}` } });
    expect(res.statusCode).toBe(200);
    expect(await ended).toEqual({ reason: "agent_disabled" });
    expect(await gone).toBe("io server disconnect");
  });

  it("disabling an agent with the CLI, another process, disconnects their open consoles within seconds", async () => {
    const target = await signIn();
    const open = await openConsole(target.token);
    const gone = new Promise<string>((resolve) => open.socket.once("disconnect", resolve));
    const cli = await runCli(["agent", "disable", target.username], { DATA_DIR: t.deps.config.dataDir, DATABASE_URL: `file:${t.databaseFile}` });
    expect(cli.code, cli.stderr).toBe(0);
    expect(await gone).toBe("io server disconnect");
  });
});
