import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { DestekProcess, freePort, killAllDestek, waitFor } from "./support/process.ts";
import { startS3Server, type TestS3Server } from "./support/s3Server.ts";

// A real process compiles its TypeScript at start: generous waits that end as soon as it answers.
vi.setConfig({ testTimeout: 90_000, hookTimeout: 90_000 });

// `destek serve` with STORAGE=s3 looks at the bucket before it listens.
describe("destek serve with STORAGE=s3", () => {
  let s3: TestS3Server;
  const dirs: string[] = [];
  const serve = async (env: Record<string, string>) => {
    const dataDir = mkdtempSync(join(tmpdir(), "destek-s3-start-"));
    dirs.push(dataDir);
    const port = await freePort();
    const server = new DestekProcess(["serve"], { DATA_DIR: dataDir, HOST: "127.0.0.1", PORT: String(port), LOG_LEVEL: "info", ...s3.env, ...env });
    return { server, url: `http://127.0.0.1:${port}` };
  };

  beforeAll(async () => {
    s3 = await startS3Server();
  });
  afterEach(async () => {
    await killAllDestek();
  });
  afterAll(async () => {
    await s3.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("starts on a bucket that answers, and says which", async () => {
    const { server, url } = await serve({});
    const line = await waitFor(
      () => server.stdout.split("\n").find((l) => l.includes("file storage:")),
      60_000,
      () => `the storage log line\n${server.describe()}`,
    );
    expect(JSON.parse(line).msg).toMatch(/^file storage: bucket "destek-test" at http:\/\/127\.0\.0\.1:\d+ answers$/);
    const ready = await waitFor(
      async () => (await fetch(`${url}/ready`).catch(() => undefined))?.json() as Promise<{ status: string; checks: Record<string, string> }> | undefined,
      60_000,
      () => `GET /ready\n${server.describe()}`,
    );
    expect(ready).toEqual({ status: "ready", checks: { database: "ok", storage: "ok" } });
  });

  it("refuses to start on a bucket that does not exist, in one line naming the setting", async () => {
    const { server } = await serve({ S3_BUCKET: "no-such-bucket" });
    const exit = await server.exited(60_000);
    expect(exit, server.describe()).toEqual({ code: 1, signal: null });
    expect(server.stderr).toMatch(/^destek: could not start: bucket "no-such-bucket" at http:\/\/127\.0\.0\.1:\d+ does not exist \(S3_BUCKET, S3_ENDPOINT, S3_REGION\)\n$/);
  });

  it("starts while the S3 service is out of reach, saying so in the log; /ready names it", async () => {
    const { server, url } = await serve({ S3_ENDPOINT: `http://127.0.0.1:${await freePort()}` });
    const line = await waitFor(
      () => server.stdout.split("\n").find((l) => l.includes("file storage unavailable")),
      60_000,
      () => `the storage log line\n${server.describe()}`,
    );
    expect(JSON.parse(line).msg).toMatch(/^file storage unavailable: bucket "destek-test" at http:\/\/127\.0\.0\.1:\d+ cannot be reached/);
    const ready = await waitFor(
      async () => (await fetch(`${url}/ready`).catch(() => undefined))?.json() as Promise<{ status: string; checks: Record<string, string> }> | undefined,
      60_000,
      () => `GET /ready\n${server.describe()}`,
    );
    expect(ready.status).toBe("ready");
    expect(ready.checks.storage).toMatch(/cannot be reached/);
  });
});
