import pino from "pino";
import { migrateToLatest } from "./adapters/db/database.ts";
import { closeDeps, createDeps } from "./deps.ts";
import { requireAgent } from "./domain/agents.ts";
import { createInbox, listInboxes, setInboxMembers } from "./domain/inboxes/inboxes.ts";
import { configOrExit } from "./main.ts";

/**
 * Inboxes for automation: `destek inbox list`, `destek inbox add --name N` (prints the snippet) and
 * `destek inbox members <inbox-id> <username>...` (the whole member list). Audited as the system.
 */
export async function inboxCommand(args: string[], usage: (message: string) => Error): Promise<void> {
  const [sub, ...rest] = args;
  const nameAt = rest.indexOf("--name");
  const name = nameAt >= 0 ? rest[nameAt + 1] : undefined;
  if (sub !== "list" && sub !== "add" && sub !== "members") throw usage(`unknown inbox command "${sub ?? ""}"`);
  if (sub === "add" && !name?.trim()) throw usage("inbox add needs --name");
  if (sub === "members" && !rest[0]) throw usage("inbox members needs an inbox id, then the members' usernames");
  const deps = createDeps(configOrExit(), { log: pino({ level: "warn" }) });
  try {
    await migrateToLatest(deps.database);
    const domain = deps.domain;
    if (sub === "add" && name) {
      const inbox = await createInbox(domain, { type: "system" }, { name });
      console.log(`Created inbox ${inbox.name} (${inbox.id}). Its snippet:\n${inbox.snippet}`);
      return;
    }
    if (sub === "members") {
      const [inboxId = "", ...usernames] = rest;
      const agents = await Promise.all(usernames.map((u) => requireAgent(domain, u)));
      const { inbox } = await setInboxMembers(domain, { type: "system" }, inboxId, agents.map((a) => a.id));
      console.log(`${inbox.name} (${inbox.id}) members: ${usernames.length ? usernames.join(", ") : "none"}`);
      return;
    }
    for (const inbox of await listInboxes(domain)) {
      console.log([inbox.id, inbox.name, `${inbox.memberIds.length} members`, inbox.snippet].join("\t"));
    }
  } finally {
    await closeDeps(deps);
  }
}
