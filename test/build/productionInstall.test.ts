import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { OUTPUTS, webSourceHash, writeStamp } from "../../scripts/webAssets.ts";
import { destekEnv, freePort, REPO_ROOT, waitFor } from "../support/process.ts";

const run = promisify(execFile);

// What `npm ci --omit=dev` leaves: the app and the packages the lock file does not mark as dev
// ones. Each is linked from this checkout's node_modules, so nothing is downloaded; a package that
// only the dev dependencies bring in is simply not there, as on a production server.
function productionTree(): string {
  const root = mkdtempSync(join(tmpdir(), "destek-production-"));
  for (const path of ["package.json", "package-lock.json", "bin", "src", "scripts", "web"]) cpSync(join(REPO_ROOT, path), join(root, path), { recursive: true });
  const modules = realpathSync(join(REPO_ROOT, "node_modules"));
  const lock = JSON.parse(readFileSync(join(REPO_ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { dev?: boolean; devOptional?: boolean }> };
  for (const [path, entry] of Object.entries(lock.packages)) {
    // Top-level packages only: nested ones come with the package that holds them.
    if (!path.startsWith("node_modules/") || path.indexOf("/node_modules/") !== -1 || entry.dev || entry.devOptional) continue;
    const source = join(modules, path.slice("node_modules/".length));
    if (!existsSync(source)) continue; // an optional package of another platform
    mkdirSync(dirname(join(root, path)), { recursive: true });
    symlinkSync(source, join(root, path));
  }
  return root;
}

describe("a production install (npm ci --omit=dev)", () => {
  const root = productionTree();
  const dataDir = join(root, "data");
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it("has no vite, yet migrates and serves", async () => {
    expect(existsSync(join(root, "node_modules/vite"))).toBe(false);
    expect(existsSync(join(root, "node_modules/tsx"))).toBe(true);
    const env = destekEnv({ DATA_DIR: dataDir, LOG_LEVEL: "warn", PORT: String(await freePort()), HOST: "127.0.0.1" });
    const migrated = await run(process.execPath, ["bin/destek.js", "migrate"], { cwd: root, env, timeout: 120_000 });
    expect(migrated.stdout).toContain("Applied: 0001_initial");

    const { spawn } = await import("node:child_process");
    const server = spawn(process.execPath, ["bin/destek.js", "serve"], { cwd: root, env });
    let output = "";
    server.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    server.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    try {
      const health = await waitFor(
        async () => {
          if (server.exitCode !== null) throw new Error(`destek exited: ${output}`);
          const response = await fetch(`http://127.0.0.1:${env.PORT}/health`).catch(() => undefined);
          return response?.ok ? ((await response.json()) as { status: string }) : undefined;
        },
        120_000,
        () => `destek to answer /health\n${output}`,
      );
      expect(health.status).toBe("ok");
    } finally {
      server.kill("SIGTERM");
      await new Promise((resolve) => server.once("close", resolve));
    }
  }, 300_000);

  it("starts on the assets built for it, and says how to build them when there are none", async () => {
    for (const output of OUTPUTS) {
      mkdirSync(dirname(join(root, output)), { recursive: true });
      writeFileSync(join(root, output), "built\n");
    }
    writeStamp(root, webSourceHash(root));
    const tsx = join(root, "node_modules/tsx/dist/cli.mjs");
    const fresh = await run(process.execPath, [tsx, "scripts/webAssets.ts", "ensure"], { cwd: root, timeout: 120_000 });
    expect(fresh.stdout + fresh.stderr).toBe("");

    rmSync(join(root, "dist/web/widget.js"));
    const missing = await run(process.execPath, [tsx, "scripts/webAssets.ts", "ensure"], { cwd: root, timeout: 120_000 }).then(
      () => ({ code: 0, stderr: "" }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("The web assets are not built (dist/web/widget.js is missing) and vite is not installed");
  }, 300_000);
});
