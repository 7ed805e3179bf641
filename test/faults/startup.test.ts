import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DestekProcess, freePort, killAllDestek, processStorages } from "../support/process.ts";

// A node that cannot listen must exit non-zero with one clear line, so a supervisor restarts it
// (or an operator sees why), never exit 0 nor hang with its connections open.
describe.each(processStorages())("destek serve on $name when the port is taken", (setup) => {
  let blocker: Server | undefined;
  afterEach(async () => {
    await killAllDestek();
    await new Promise((resolve) => (blocker ? blocker.close(resolve) : resolve(undefined)));
  });

  it("exits 1 with a one-line message naming the address", async () => {
    const port = await freePort();
    blocker = createServer();
    await new Promise<void>((resolve) => blocker?.listen(port, "127.0.0.1", resolve));
    const dataDir = mkdtempSync(join(tmpdir(), "destek-port-"));
    const { env, dispose } = await setup.env();
    try {
      const server = new DestekProcess(["serve"], { ...env, DATA_DIR: dataDir, HOST: "127.0.0.1", PORT: String(port), LOG_LEVEL: "info" });
      const exit = await server.exited(20_000);
      expect(exit, server.describe()).toEqual({ code: 1, signal: null });
      expect(server.stderr, server.describe()).toMatch(new RegExp(`^destek: cannot listen on 127\\.0\\.0\\.1:${port}: [^\\n]*in use[^\\n]*\\n$`));
    } finally {
      await dispose();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
