import { mkdtempSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { DestekProcess, freePort, killAllDestek, waitFor } from "./support/process.ts";

type LogLine = Record<string, unknown>;

const SETUP_PASSWORD = "a long password 123";
const METRICS_TOKEN = "metrics-token-0123456789";

// A real process compiles its TypeScript at start: on a loaded two-core machine that alone can take
// over ten seconds, so the waits for it to come up are generous (they end as soon as it answers).
const START_TIMEOUT_MS = 40_000;
vi.setConfig({ testTimeout: 90_000, hookTimeout: 90_000 });

/** Starts `destek serve` as a user would, on a free port and a fresh data directory, with nothing else configured. */
async function startServer() {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "destek-main-"));
  const server = new DestekProcess(["serve"], { DATA_DIR: dataDir, HOST: "127.0.0.1", PORT: String(port), LOG_LEVEL: "info", METRICS_TOKEN });
  const url = (path: string) => `http://127.0.0.1:${port}${path}`;
  /** Every complete stdout line, parsed: the log is JSON lines and nothing else. */
  const logLines = (): LogLine[] =>
    server.stdout
      .split("\n")
      .slice(0, -1)
      .map((line) => JSON.parse(line) as LogLine);
  const waitForLog = (predicate: (line: LogLine) => boolean, timeoutMs = START_TIMEOUT_MS) =>
    waitFor(() => logLines().find(predicate), timeoutMs, () => `a matching log line\n${server.describe()}`);
  return { port, dataDir, server, url, logLines, waitForLog };
}

type Server = Awaited<ReturnType<typeof startServer>>;

/** Waits until /health answers 200, or fails after `timeoutMs` from the spawn. */
async function healthy(server: DestekProcess, url: string, timeoutMs = START_TIMEOUT_MS): Promise<Response> {
  return waitFor(
    async () => {
      if (server.exit) throw new Error(`destek exited early (${JSON.stringify(server.exit)})\n${server.describe()}`);
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) }).catch(() => undefined);
      return res?.status === 200 ? res : undefined;
    },
    timeoutMs - (Date.now() - server.startedAt),
    () => `GET /health\n${server.describe()}`,
  );
}

/** Sends the head and a first piece of a POST /api/setup body, leaving the request in flight. */
async function startSlowUpload(s: Server, connection: "close" | "keep-alive") {
  const body = JSON.stringify({ token: "not-a-real-setup-token", username: "late", name: "Late", password: SETUP_PASSWORD });
  const socket = connect(s.port, "127.0.0.1");
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  let response = "";
  socket.setEncoding("utf8").on("data", (chunk: string) => {
    response += chunk;
  });
  const requestId = `slow-upload-${connection}`;
  socket.write(
    `POST /api/setup HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\nConnection: ${connection}\r\nX-Request-Id: ${requestId}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 10)}`,
  );
  // Logged once the head is routed: from here on the request is in flight, waiting for its body.
  await s.waitForLog((l) => l.reqId === requestId && l.msg === "incoming request");
  return {
    socket,
    finish: () => socket.write(body.slice(10)),
    response: () => response,
  };
}

describe("destek serve on a fresh install", () => {
  let s: Server;
  let setupToken: string;

  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(async () => {
    await killAllDestek();
    rmSync(s.dataDir, { recursive: true, force: true });
  });

  it("answers /health within 10 s of the spawn", async () => {
    const res = await healthy(s.server, s.url("/health"));
    expect(await res.json()).toEqual({ status: "ok", telegram: "off" });
  });

  it("is ready with the database checked", async () => {
    const res = await fetch(s.url("/ready"));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ready", checks: { database: "ok" } });
  });

  it("logs a one-time setup link on PUBLIC_URL's default address as a warning", async () => {
    const line = await s.waitForLog((l) => typeof l.setupLink === "string");
    expect(line.level).toBe(40);
    const match = String(line.setupLink).match(new RegExp(`^http://localhost:${s.port}/console/setup#([\\w-]{20,})$`));
    expect(match, String(line.setupLink)).not.toBeNull();
    setupToken = match?.[1] ?? "";
  });

  it("prints the same setup link as one plain line on stderr, readable among JSON logs", async () => {
    const line = await waitFor(
      () => s.server.stderr.split("\n").find((l) => l.startsWith("No agent exists yet.")),
      10_000,
      () => `the plain setup line\n${s.server.describe()}`,
    );
    expect(line).toBe(`No agent exists yet. Create the first admin at http://localhost:${s.port}/console/setup#${setupToken}`);
  });

  it("creates the first admin with the setup token, once", async () => {
    const body = JSON.stringify({ token: setupToken, username: "admin", name: "Admin", password: SETUP_PASSWORD });
    const post = () => fetch(s.url("/api/setup"), { method: "POST", headers: { "content-type": "application/json" }, body });
    const first = await post();
    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({ agent: { username: "admin", name: "Admin", isAdmin: true } });
    const again = await post();
    expect(again.status).toBe(401);
    expect(await again.json()).toMatchObject({ error: { id: "setup_token_invalid" } });
  });

  it("serves Prometheus metrics of HTTP, the event loop, the outbox and sockets", async () => {
    const res = await fetch(s.url("/metrics"), { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await res.text();
    for (const name of ["destek_http_request_duration_seconds", "nodejs_eventloop_lag_seconds", "destek_outbox_pending", "destek_socket_connections"]) {
      expect(text).toMatch(new RegExp(`^# TYPE ${name} `, "m"));
    }
    expect(text).toMatch(/^destek_http_request_duration_seconds_count\{.*route="\/api\/setup".*status="201".*\} 1$/m);
  });

  it("tags responses with a request id and a strict content security policy", async () => {
    const res = await fetch(s.url("/health"));
    expect(res.headers.get("x-request-id")).toMatch(/^[\w.-]{8,}$/);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("frame-ancestors 'none'");
    const scriptSrc = csp.split(";").find((directive) => directive.trim().startsWith("script-src"));
    expect(scriptSrc).toBeDefined();
    expect(scriptSrc).not.toContain("unsafe-inline");
    expect(scriptSrc).not.toContain("unsafe-eval");

    const traced = await fetch(s.url("/health"), { headers: { "x-request-id": "lb-trace.42" } });
    expect(traced.headers.get("x-request-id")).toBe("lb-trace.42");
  });

  it("shuts down on SIGTERM with exit code 0 within 10 s", async () => {
    s.server.kill("SIGTERM");
    const exit = await s.server.exited(10_000);
    expect(exit, s.server.describe()).toEqual({ code: 0, signal: null });
    expect(s.logLines().some((l) => l.msg === "shutting down" && l.signal === "SIGTERM")).toBe(true);
  });

  it("kept the password and the setup token out of every log line but the setup link", () => {
    const lines = s.logLines();
    const setupRequests = lines.filter((l) => JSON.stringify(l).includes('"path":"/api/setup"'));
    expect(setupRequests.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) {
      const text = JSON.stringify(line);
      expect(text).not.toContain(SETUP_PASSWORD);
      if (typeof line.setupLink !== "string") expect(text).not.toContain(setupToken);
    }
    // stderr holds the plain setup line and nothing else.
    expect(s.server.stderr).toBe(`No agent exists yet. Create the first admin at http://localhost:${s.port}/console/setup#${setupToken}\n`);
  });
});

describe("destek serve shutting down with a request in flight", () => {
  let s: Server;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    s = await startServer();
    await healthy(s.server, s.url("/health"));
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.destroy();
  });
  afterAll(async () => {
    await killAllDestek();
    rmSync(s.dataDir, { recursive: true, force: true });
  });

  it("finishes the in-flight request, then exits 0", async () => {
    const upload = await startSlowUpload(s, "close");
    sockets.push(upload.socket);
    s.server.kill("SIGTERM");
    await s.waitForLog((l) => l.msg === "shutting down");
    expect(s.server.exit).toBeUndefined();

    upload.finish();
    const exit = await s.server.exited(10_000);
    expect(exit, s.server.describe()).toEqual({ code: 0, signal: null });
    expect(upload.response()).toMatch(/^HTTP\/1\.1 401 /);
    expect(upload.response()).toContain('"setup_token_invalid"');
  });
});

// A request in flight on a keep-alive connection when SIGTERM arrives must be answered, and its
// connection closed, so the process exits promptly instead of waiting for the grace timeout.
describe("destek serve shutting down with a keep-alive request in flight", () => {
  it("answers the request and exits 0 promptly", async () => {
    const s = await startServer();
    const sockets: Socket[] = [];
    try {
      await healthy(s.server, s.url("/health"));
      const upload = await startSlowUpload(s, "keep-alive");
      sockets.push(upload.socket);
      s.server.kill("SIGTERM");
      await s.waitForLog((l) => l.msg === "shutting down");
      upload.finish();
      const exit = await s.server.exited(5_000);
      expect(exit, s.server.describe()).toEqual({ code: 0, signal: null });
      expect(upload.response()).toMatch(/^HTTP\/1\.1 401 /);
    } finally {
      for (const socket of sockets) socket.destroy();
      await killAllDestek();
      rmSync(s.dataDir, { recursive: true, force: true });
    }
  });
});

describe("destek serve with a bad configuration", () => {
  afterEach(async () => {
    await killAllDestek();
  });

  it("exits 1 with one line on stderr naming PORT", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "destek-main-"));
    try {
      const server = new DestekProcess(["serve"], { DATA_DIR: dataDir, PORT: "abc", LOG_LEVEL: "info" });
      const exit = await server.exited(15_000);
      expect(exit, server.describe()).toEqual({ code: 1, signal: null });
      expect(server.stderr).toMatch(/^[^\n]*PORT[^\n]*\n$/);
      expect(server.stdout).toBe("");
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
