// `npm run bench -- <name> [args…]` runs bench/<script> for a name below; with no name, the list.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const SCRIPTS: Record<string, string> = { chat: "chatThroughput.ts", search: "search.ts" };
const [name, ...args] = process.argv.slice(2);
const script = name ? SCRIPTS[name] : undefined;
if (!script) {
  console.error(`usage: npm run bench -- <${Object.keys(SCRIPTS).join("|")}> [args…]`);
  process.exit(name ? 1 : 0);
}
// The scripts read their arguments from process.argv[2…], as when run directly.
process.argv = [process.argv[0] ?? "node", resolve(import.meta.dirname, script), ...args];
await import(pathToFileURL(resolve(import.meta.dirname, script)).href);
