import { MEDIA_COOKIE } from "../../src/http/cookies.ts";
import { mediaSessionToken } from "../../src/domain/signedLinks.ts";
import type { AddressInfo } from "node:net";
import type { LightMyRequestResponse } from "fastify";
import pino from "pino";
import type { Socket } from "socket.io-client";
import { disableAgent } from "../../src/domain/agents.ts";
import { signInWithPassword, verifySecondFactor } from "../../src/domain/auth/login.ts";
import { newVisitorToken, openSocket } from "./chatClients.ts";
import type { TestDatabase } from "./databases.ts";
import { FakeTelegram } from "./fakeTelegram.ts";
import { addAgent, codeFrom, PASSWORD, startTestApp, type TestApp } from "./testApp.ts";

// Shared stage of the security tests (fuzzing, access matrix, NUL bytes): an app on a real
// database, listening, whose error-level log lines are collected so a test can prove that no
// request or socket event hit an internal error, even one whose client sent no ack callback.

export interface LoggedError {
  level: number;
  msg: string;
  err?: { message?: string; stack?: string };
}

export interface SecurityStage extends TestApp {
  url: string;
  telegram: FakeTelegram;
  /** Every line the app logged at error level or above, in order. */
  errors: LoggedError[];
  /** The secret that makes the Telegram webhook route accept a request. */
  webhookSecret: string;
  close(): Promise<void>;
}

const WEBHOOK_SECRET = "fuzz-webhook-secret-0123456789";

/** The app on `database` (SQLite or PostgreSQL), listening on a free port, with limits high enough to fuzz. */
export async function startSecurityStage(database: TestDatabase, env: Record<string, string> = {}): Promise<SecurityStage> {
  const telegram = await new FakeTelegram().start();
  const db = await database.open();
  const errors: LoggedError[] = [];
  const log = pino({ level: "error" }, { write: (line: string) => void errors.push(JSON.parse(line) as LoggedError) });
  const t = await startTestApp({
    database: db,
    telegram,
    log,
    env: {
      RATE_LIMIT_PER_MINUTE: "1000000",
      AUTH_RATE_LIMIT_PER_MINUTE: "1000000",
      // The webhook route exists only in webhook mode; it is part of the surface, so it is registered.
      TELEGRAM_WEBHOOK_URL: "https://destek.example/telegram/webhook",
      TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
      ...env,
    },
  });
  await t.app.listen({ port: 0, host: "127.0.0.1" });
  return {
    ...t,
    telegram,
    errors,
    webhookSecret: WEBHOOK_SECRET,
    url: `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`,
    async close() {
      await t.close();
      await telegram.stop();
      await db.dispose();
    },
  };
}

let agentCount = 0;

/** A new agent (admin or not) with its own Telegram chat, signed in: its access token. */
export async function signedInAgent(stage: SecurityStage, options: { admin?: boolean } = {}) {
  const n = ++agentCount;
  const username = `${options.admin ? "admin" : "agent"}${n}x${process.pid}`;
  const chat = String(880_000 + n);
  const agent = await addAgent(stage.deps, username, { telegramChatId: chat, ...(options.admin ? { admin: true } : {}) });
  // Code requests are limited per address: each sign-in comes from its own.
  const client = { ip: `10.9.${(n >> 8) & 255}.${n & 255}`, userAgent: null };
  const { ticket } = await signInWithPassword(stage.deps.domain, { username, password: PASSWORD, ...client });
  const code = codeFrom(stage.telegram.sent.findLast((m) => String(m.chat_id) === chat)?.text);
  const session = await verifySecondFactor(stage.deps.domain, { ticket, code, method: "telegram", ...client });
  return { agent, username, accessToken: session.accessToken, mediaCookie: mediaCookieOf(stage, session.sessionId) };
}

/** The media-session cookie a browser holds for a session (sent to /recordings and /files), as a Cookie header value. */
export const mediaCookieOf = (stage: SecurityStage, sessionId: string): string =>
  `${MEDIA_COOKIE}=${mediaSessionToken(stage.deps.domain.keys.mediaSessions, sessionId)}`;

/** A signed-in agent whose account an admin disabled afterwards: its token is dead. */
export async function disabledAgent(stage: SecurityStage) {
  const signedIn = await signedInAgent(stage);
  await disableAgent(stage.deps.domain, { type: "system" }, signedIn.username);
  return signedIn;
}

/** A widget: a fresh visitor token and its connected `/visitor` socket. */
export async function connectedVisitor(stage: SecurityStage) {
  const token = newVisitorToken();
  const socket = await openSocket(`${stage.url}/visitor`, { visitorToken: token });
  return { token, socket };
}

export const connectAgent = (stage: SecurityStage, accessToken: string): Promise<Socket> => openSocket(`${stage.url}/agent`, { token: accessToken });

/** The typed error of an HTTP answer, or a description of why it is not one. */
export function typedError(res: LightMyRequestResponse): { id: string; message: string } | string {
  let body: unknown;
  try {
    body = res.json();
  } catch {
    return `not JSON: ${res.body.slice(0, 200)}`;
  }
  const error = (body as { error?: { id?: unknown; message?: unknown } } | null)?.error;
  if (typeof error?.id !== "string" || typeof error.message !== "string") return `no { error: { id, message } }: ${res.body.slice(0, 200)}`;
  return { id: error.id, message: error.message };
}

/** The error lines logged since `from`, shortened for an assertion message. */
export function errorsSince(stage: SecurityStage, from: number): string[] {
  return stage.errors.slice(from).map((e) => `${e.msg}: ${e.err?.message ?? ""}`);
}
