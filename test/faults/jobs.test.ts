import { afterAll, describe, expect, it, vi } from "vitest";
import { startBackgroundJobs } from "../../src/jobs.ts";
import { openSqlite } from "../support/databases.ts";
import { startTestApp } from "../support/testApp.ts";

// buildApp is what tests and tools build on: it must start no periodic work of destek's own (Socket.IO's
// adapters keep their internal sweeps). The jobs (ring timeout, recording mixing and retention, the
// session sweep) are started by main, or by a test that wants them. The spy records who asked for
// each interval and passes the call through to the real timer.
describe("background work", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    vi.restoreAllMocks();
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("starts no timer of ours in buildApp; startBackgroundJobs starts them and stop() clears each", async () => {
    const database = await openSqlite();
    cleanups.push(() => database.dispose());
    const realSetInterval = globalThis.setInterval;
    const ours: NodeJS.Timeout[] = [];
    vi.spyOn(globalThis, "setInterval").mockImplementation(((handler: () => void, ms?: number) => {
      const timer = realSetInterval(handler, ms);
      // The caller is the first frame outside this test and the spy; it is ours when it lives in src/.
      const frames = (new Error().stack ?? "").split("\n").slice(1);
      const caller = frames.find((frame) => !/jobs\.test\.ts|tinyspy|@vitest|vitest\//.test(frame)) ?? "";
      if (caller.includes("/src/") && !caller.includes("node_modules")) ours.push(timer);
      return timer;
    }) as typeof setInterval);
    const clearIntervalSpy = vi.spyOn(globalThis, "clearInterval");

    const t = await startTestApp({ database, env: { RECORDING_RETENTION_DAYS: "30" } });
    cleanups.push(() => t.close());
    expect(ours).toEqual([]);

    const jobs = startBackgroundJobs(t.deps, t.app.io);
    expect(ours.length).toBeGreaterThanOrEqual(4); // ring timeout, mixing, retention, session sweep
    await jobs.stop();
    const cleared = new Set(clearIntervalSpy.mock.calls.map(([timer]) => timer));
    for (const timer of ours) expect(cleared.has(timer)).toBe(true);
  });
});
