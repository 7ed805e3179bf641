// `npm run bench` runs every benchmark in turn; `npm run bench -- <name> [args…]` runs one. Each
// rewrites its own section of BENCHMARKS.md (see support/report.ts).
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";

const SCRIPTS: Record<string, { file: string; about: string }> = {
  chat: { file: "chatOpenLoop.ts", about: "open-loop chat latency against a bare Socket.IO relay (SQLite; PostgreSQL + Redis, one and two nodes)" },
  memory: { file: "socketMemory.ts", about: "server memory per idle visitor socket at 1k, 5k and 10k" },
  widget: { file: "widgetSize.ts", about: "what the widget makes a visitor download: loader, frame and call code, gzip" },
  calls: { file: "callSetup.ts", about: "call setup time in Chromium, Accept to both connected, with and without recording" },
  recording: { file: "recordingCapacity.ts", about: "recorded calls one process carries (werift sides into the server's recorder legs), CPU per call and loss in the files" },
  telegram: { file: "telegramBridge.ts", about: "Telegram bridge latency both ways against a local Bot API server" },
  console: { file: "consoleLoad.ts", about: "the console's first-load bundle and time to interactive on a 4× throttled CPU" },
  search: { file: "search.ts", about: "full-text search over 1M messages on both engines (about 10 minutes)" },
  reports: { file: "reports.ts", about: "the Reports page's figures over 1M messages on both engines (about 10 minutes)" },
};
const [name, ...args] = process.argv.slice(2);
if (name && !SCRIPTS[name]) {
  console.error(`unknown benchmark "${name}". Benchmarks:\n${Object.entries(SCRIPTS).map(([n, s]) => `  ${n}: ${s.about}`).join("\n")}`);
  process.exit(1);
}
// Each benchmark in a process of its own: one that leaves sockets or workers behind cannot skew the next.
for (const [bench, script] of name ? [[name, SCRIPTS[name]] as const] : Object.entries(SCRIPTS)) {
  if (!script) continue;
  console.log(`\n# ${bench}: ${script.about}`);
  const run = spawnSync(process.execPath, ["--import", "tsx", resolve(import.meta.dirname, script.file), ...args], { stdio: "inherit" });
  if (run.status !== 0) {
    console.error(`${bench} failed (exit ${run.status ?? run.signal})`);
    process.exit(1);
  }
}
