import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

// `npm start` builds the web assets (console and widget) only when they are missing or stale, and
// `npm run build` always builds them. "Stale" is decided by content, not by file times: a hash of
// every input of the build (web/, the protocol types web/ imports, the vite configs inside web/, the
// lock file) is written beside the assets when they are built, and compared on each start.

export const REPO_ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));

/** What the build reads: its sources and configs (under web/), src/protocol, the exact dependency versions. */
const INPUTS = ["web", "src/protocol", "package-lock.json"];
/** What the server needs: without any of these the assets are missing, whatever the stamp says. */
export const OUTPUTS = ["dist/web/console/index.html", "dist/web/widget.js", "dist/web/widget/frame.html"];
/** Outside dist/web, so the static routes never serve it. */
export const STAMP = "dist/web-build.json";
const CONFIGS = ["web/vite.config.ts", "web/widget/vite.loader.config.ts", "web/widget/vite.frame.config.ts"];

function filesUnder(root: string, path: string): string[] {
  return readdirSync(join(root, path), { withFileTypes: true }).flatMap((entry) => {
    const child = join(path, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : filesUnder(root, child);
    return entry.isFile() ? [child] : [];
  });
}

/** A hash of every build input under `root`: names and contents, in a fixed order. */
export function webSourceHash(root: string = REPO_ROOT): string {
  const hash = createHash("sha256");
  const files = INPUTS.flatMap((input) => {
    const full = join(root, input);
    if (!existsSync(full)) return [];
    return statSync(full).isDirectory() ? filesUnder(root, input) : [input];
  })
    .map((file) => file.split(sep).join("/"))
    .sort();
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(root, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

export type AssetsState = { state: "fresh" } | { state: "missing"; what: string } | { state: "stale"; why: string };

/** Whether the built assets under `root` match the sources there. */
export function webAssetsState(root: string = REPO_ROOT): AssetsState {
  const absent = OUTPUTS.find((output) => !existsSync(join(root, output)));
  if (absent) return { state: "missing", what: absent };
  let stamp: { sourceHash?: unknown };
  try {
    stamp = JSON.parse(readFileSync(join(root, STAMP), "utf8")) as { sourceHash?: unknown };
  } catch {
    return { state: "stale", why: `${STAMP} is missing: the assets were not built by \`npm run build\`` };
  }
  if (stamp.sourceHash !== webSourceHash(root)) return { state: "stale", why: "the web sources changed since they were built" };
  return { state: "fresh" };
}

/** Records that the assets under `root` are built from its sources as they were hashed. */
export function writeStamp(root: string, sourceHash: string): void {
  writeFileSync(join(root, STAMP), `${JSON.stringify({ sourceHash, builtAt: new Date().toISOString() }, null, 2)}\n`);
}

export type StartAction = { action: "serve"; note?: string } | { action: "build"; why: string } | { action: "refuse"; message: string };

/** What `npm start` does with the assets in this state, given whether vite (a dev dependency) is installed. */
export function startAction(state: AssetsState, viteInstalled: boolean): StartAction {
  if (state.state === "fresh") return { action: "serve" };
  const why = state.state === "missing" ? `${state.what} is missing` : state.why;
  if (viteInstalled) return { action: "build", why };
  if (state.state === "stale") {
    // A production install (npm ci --omit=dev) serves what was built for it.
    return { action: "serve", note: `Serving the web assets as built (${why}); vite is not installed here to rebuild them.` };
  }
  return {
    action: "refuse",
    message:
      `The web assets are not built (${why}) and vite is not installed: this is a production install (npm ci --omit=dev). ` +
      "Build them where the dev dependencies are installed (npm ci && npm run build) and ship dist/ with the app, or use the production image.",
  };
}

export function viteInstalled(root: string = REPO_ROOT): boolean {
  return existsSync(join(root, "node_modules", "vite", "package.json"));
}

/** Builds the console, the widget loader and the widget frame with vite, then writes the stamp. */
export async function buildWebAssets(root: string = REPO_ROOT): Promise<void> {
  // Hashed before building: a source edited during the build leaves the assets stale, not stamped fresh.
  const sourceHash = webSourceHash(root);
  rmSync(join(root, STAMP), { force: true });
  const { build } = await import("vite");
  for (const config of CONFIGS) await build({ configFile: join(root, config) });
  await mkdir(join(root, "dist"), { recursive: true });
  writeStamp(root, sourceHash);
}

async function run(mode: string | undefined): Promise<void> {
  if (mode === "build") {
    await buildWebAssets();
    console.log("Built the web assets into dist/web.");
    return;
  }
  if (mode !== "ensure") throw new Error("usage: tsx scripts/webAssets.ts build|ensure");
  const decided = startAction(webAssetsState(), viteInstalled());
  if (decided.action === "serve") {
    if (decided.note) console.warn(decided.note);
    return;
  }
  if (decided.action === "refuse") {
    console.error(decided.message);
    process.exitCode = 1;
    return;
  }
  console.log(`Building the web assets: ${decided.why}.`);
  await buildWebAssets();
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  run(process.argv[2]).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
}
