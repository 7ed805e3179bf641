// Starts benchmark servers (a destek node or the bare relay) as child processes and talks to them over IPC.
import { type ChildProcess, fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export interface BenchServer {
  name: string;
  port: number;
  agentToken: string;
  /** The bench agent's refresh token: a browser with it in the `destek_refresh` cookie is signed in. */
  refreshToken: string;
  pid: number;
  /** Resident and heap bytes of the server process, after a full GC. */
  memory(): Promise<{ rss: number; heapUsed: number }>;
  /** A further signed-in agent's access token. */
  newAgent(): Promise<string>;
  /** A new refresh token of the signed-in agent, for one browser sign-in. */
  newSession(): Promise<string>;
  /** The recorded sides of calls so far, with their files (local storage). */
  recordings(): Promise<Array<{ callId: string; role: string; path: string }>>;
  /** CPU time (user + system, microseconds) the server process has used since it started. */
  cpu(): Promise<number>;
  /** Starts a CPU profile of the server (destek nodes only). */
  startProfile(): Promise<void>;
  /** Stops it and writes it to `file`, with the SQL statements' times per message (of `messages` sent) beside it. */
  stopProfile(file: string, messages: number): Promise<void>;
  stop(): Promise<void>;
}

/** Limits that would refuse a load generator's thousands of visitors from one address. */
export const LIFTED_LIMITS: Record<string, string> = {
  RATE_LIMIT_PER_MINUTE: "1000000",
  VISITOR_HANDSHAKES_PER_MINUTE: "1000000",
  NEW_VISITORS_PER_HOUR: "1000000",
  NEW_CONVERSATIONS_PER_12H: "1000000",
  VISITOR_MESSAGES_PER_MINUTE: "1000000",
  // Every benchmark call comes from 127.0.0.1: the recording benchmark starts more than the 10 a day one address may.
  CALLS_PER_ADDRESS_PER_DAY: "1000000",
};

function start(name: string, script: string, env: Record<string, string>, extraArgs: string[] = []): Promise<BenchServer> {
  const child: ChildProcess = fork(resolve(import.meta.dirname, script), [], {
    execArgv: ["--import", "tsx", "--expose-gc", ...extraArgs],
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const exited = new Promise<void>((ok) => child.once("exit", () => ok()));
  const reply = <T>(type: string): Promise<T> =>
    new Promise((ok, fail) => {
      const onMessage = (message: { type?: string }) => {
        if (message.type !== type) return;
        child.off("message", onMessage);
        child.off("exit", onExit);
        ok(message as T);
      };
      const onExit = (code: number | null) => fail(new Error(`${name} exited (${code}) before answering ${type}`));
      child.on("message", onMessage);
      child.once("exit", onExit);
    });
  /** Sends one request over IPC and waits for its answer (see destekNode.ts for the messages). */
  const ask = <T>(message: { type: string } & Record<string, unknown>, answer: string = message.type) => {
    const answered = reply<T>(answer);
    child.send(message);
    return answered;
  };
  return reply<{ port: number; agentToken: string; refreshToken?: string }>("ready").then(({ port, agentToken, refreshToken }) => ({
    name,
    port,
    agentToken,
    refreshToken: refreshToken ?? "",
    pid: child.pid ?? 0,
    memory: () => ask<{ rss: number; heapUsed: number }>({ type: "memory" }),
    newSession: async () => {
      const { refreshToken } = await ask<{ refreshToken: string }>({ type: "session" });
      if (!refreshToken) throw new Error(`${name} could not start a session`);
      return refreshToken;
    },
    newAgent: async () => {
      const { token } = await ask<{ token: string }>({ type: "agent" });
      if (!token) throw new Error(`${name} could not make an agent`);
      return token;
    },
    recordings: async () => (await ask<{ rows: Array<{ callId: string; role: string; path: string }> }>({ type: "recordings" })).rows,
    cpu: async () => {
      const { user, system } = await ask<{ user: number; system: number }>({ type: "cpu" });
      return user + system;
    },
    startProfile: async () => {
      await ask({ type: "profile:start" }, "profile:started");
    },
    stopProfile: async (file: string, messages: number) => {
      await ask({ type: "profile:stop", file, messages }, "profile:stopped");
    },
    async stop() {
      child.send({ type: "stop" });
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  }));
}

/** A destek node on a fresh data directory (SQLite there unless `env` names a DATABASE_URL). */
export async function startDestekNode(name: string, env: Record<string, string> = {}): Promise<BenchServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "destek-bench-"));
  const server = await start(name, "destekNode.ts", { LOG_LEVEL: "warn", DATA_DIR: dataDir, ...LIFTED_LIMITS, ...env });
  return {
    ...server,
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function startBareRelay(): Promise<BenchServer> {
  return start("bare relay", "bareRelay.ts", {});
}
