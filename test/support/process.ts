import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createServer, type AddressInfo } from "node:net";
import { resolve } from "node:path";
import { CONFIG_VARIABLES } from "../../src/config.ts";
import { freshPostgresDatabase } from "./databases.ts";

export const REPO_ROOT = resolve(import.meta.dirname, "../..");

// A spawned destek gets every variable config.ts reads blank unless a test sets it: blank counts as
// unset, and a blank real variable also beats a developer's `.env` in the repo root.
/** The environment of a spawned destek: the test's variables only, nothing from the shell or `.env`. */
export function destekEnv(given: Record<string, string>): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !CONFIG_VARIABLES.includes(name)));
  return { ...inherited, ...Object.fromEntries(CONFIG_VARIABLES.map((name) => [name, ""])), ...given };
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running `node bin/destek.js ...` with its output collected as it arrives. */
export class DestekProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly startedAt = Date.now();
  stdout = "";
  stderr = "";
  exit: Exit | undefined;
  /** Resolves once the process has exited and both output streams are drained. */
  readonly closed: Promise<Exit>;

  constructor(args: string[], env: Record<string, string>) {
    this.child = spawn(process.execPath, ["bin/destek.js", ...args], { cwd: REPO_ROOT, env: destekEnv(env) });
    this.child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      this.stdout += chunk;
    });
    this.child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      this.stderr += chunk;
    });
    this.closed = new Promise((resolvePromise, reject) => {
      this.child.once("error", reject);
      this.child.once("close", (code, signal) => {
        this.exit = { code, signal };
        resolvePromise(this.exit);
      });
    });
    running.add(this);
    void this.closed.finally(() => running.delete(this)).catch(() => {});
  }

  /** Writes `input` to standard input and closes it, as `echo input | destek ...` would. */
  send(input: string): this {
    this.child.stdin.end(input);
    return this;
  }

  /** Waits for the exit, failing with the collected output when it takes longer than `timeoutMs`. */
  async exited(timeoutMs: number): Promise<Exit> {
    return withTimeout(this.closed, timeoutMs, () => `destek did not exit within ${timeoutMs} ms\n${this.describe()}`);
  }

  describe(): string {
    return `stdout:\n${this.stdout}\nstderr:\n${this.stderr}`;
  }

  kill(signal: NodeJS.Signals = "SIGKILL"): void {
    if (this.exit === undefined && this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }
}

const running = new Set<DestekProcess>();

/** Kills every destek process a test left running and waits for them to go. */
export async function killAllDestek(): Promise<void> {
  const left = [...running];
  for (const proc of left) proc.kill("SIGKILL");
  await Promise.all(left.map((proc) => proc.closed.catch(() => undefined)));
}

export interface CliResult extends Exit {
  stdout: string;
  stderr: string;
}

/** Runs one CLI command to completion, with `input` (and then end of file) on standard input. */
export async function runCli(args: string[], env: Record<string, string>, input = "", timeoutMs = 20_000): Promise<CliResult> {
  const proc = new DestekProcess(args, env).send(input);
  const exit = await proc.exited(timeoutMs);
  return { ...exit, stdout: proc.stdout, stderr: proc.stderr };
}

/** A TCP port that was free a moment ago: bound on port 0, read back, released. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolvePromise, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolvePromise);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
  return port;
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number, what: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message())), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Where a spawned destek keeps its data: the variables that point it there, and how to remove it after. */
export interface ProcessStorage {
  name: string;
  env(): Promise<{ env: Record<string, string>; dispose(): Promise<void> }>;
}

/**
 * The storage every spawned-process test runs on: SQLite in the data directory always, and a fresh
 * PostgreSQL database with Redis when TEST_DATABASE_URL and TEST_REDIS_URL are both set. In CI a
 * missing one is an error, never a silent skip (as in testDatabases).
 */
export function processStorages(): ProcessStorage[] {
  const setups: ProcessStorage[] = [{ name: "SQLite", env: async () => ({ env: {}, dispose: async () => undefined }) }];
  const pgUrl = process.env.TEST_DATABASE_URL;
  const redisUrl = process.env.TEST_REDIS_URL;
  if ((!pgUrl || !redisUrl) && process.env.CI) throw new Error("CI must set TEST_DATABASE_URL and TEST_REDIS_URL so the PostgreSQL + Redis process tests run");
  if (pgUrl && redisUrl) {
    setups.push({
      name: "PostgreSQL + Redis",
      env: async () => {
        const schema = await freshPostgresDatabase(pgUrl);
        return { env: { DATABASE_URL: schema.url, REDIS_URL: redisUrl }, dispose: () => schema.dispose() };
      },
    });
  }
  return setups;
}
