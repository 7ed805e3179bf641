import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import pino from "pino";
import { findPeople, rowsOfPerson } from "./adapters/db/repositories/personData.ts";
import { writeExportZipFile } from "./adapters/export/zipExport.ts";
import { closeDeps, createDeps } from "./deps.ts";
import { notFound } from "./domain/errors.ts";
import type { Actor } from "./domain/ports.ts";
import { erasePerson } from "./domain/privacy/erasePerson.ts";
import { exportPerson } from "./domain/privacy/exportPerson.ts";
import { configOrExit } from "./main.ts";

const CLI_ACTOR: Actor = { type: "system" };

/** The first line typed (or piped) on standard input. */
async function readLine(): Promise<string> {
  for await (const line of createInterface({ input: process.stdin })) return line.trim();
  return "";
}

/**
 * `destek contact export <id|email> --out file.zip` answers an access request;
 * `destek contact erase <id|email> [--yes]` an erasure request, after a confirmation naming the person.
 */
export async function contactCommand(args: string[], usage: (message: string) => Error): Promise<void> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { out: { type: "string" }, yes: { type: "boolean", default: false } } });
  const person = positionals[0];
  if (sub !== "export" && sub !== "erase") throw usage(`unknown contact command "${sub ?? ""}"`);
  if (!person) throw usage(`contact ${sub} needs a contact id or e-mail address`);
  if (sub === "export" && !values.out) throw usage("contact export needs --out <file.zip>");
  const deps = createDeps(configOrExit(), { log: pino({ level: "warn" }) });
  try {
    if (sub === "export") {
      const exported = await exportPerson(deps.domain, { actor: CLI_ACTOR, person });
      const { files, missing } = await writeExportZipFile(exported, deps.domain.storage, values.out!);
      console.log(`Wrote ${values.out}: person.json and ${files} file(s)${missing.length ? `; ${missing.length} file(s) no longer stored (listed in missing-files.txt)` : ""}.`);
      return;
    }
    const people = await findPeople(deps.domain.db, person);
    if (!people.length) throw notFound("contact_not_found", `No contact ${person}.`);
    if (!values.yes) {
      const lines = [];
      for (const p of people) {
        const rows = await rowsOfPerson(deps.domain.db, p.id);
        const who = [p.name ?? "(no name)", p.email ? `<${p.email}>` : null, p.phone].filter(Boolean).join(" ");
        lines.push(`  ${who} (${p.id}): ${rows.conversations.length} conversation(s), ${rows.messages.length} message(s), ${rows.calls.length} call(s), ${rows.attachments.length + rows.recordings.length} file(s)`);
      }
      process.stderr.write(`This erases, for good:\n${lines.join("\n")}\nType "erase" to confirm: `);
      if ((await readLine()) !== "erase") {
        process.stderr.write("\nNothing was erased.\n");
        process.exitCode = 1;
        return;
      }
    }
    const report = await erasePerson(deps.domain, { actor: CLI_ACTOR, person });
    const c = report.counts;
    console.log(`Erased ${report.visitorIds.length} contact(s): ${c.conversations} conversation(s) kept as anonymous counts, ${c.messages} message(s), ${c.notes} note(s), ${c.calls} call(s) anonymised, ${report.files.deleted} file(s) deleted.`);
    if (c.consents) console.log(`Removed ${c.consents} consent record(s).`);
    if (report.telegram.deleted) console.log(`Deleted ${report.telegram.deleted} Telegram post(s).`);
    if (report.telegram.left.length) {
      console.log("Telegram posts that could not be deleted (remove them by hand):");
      for (const post of report.telegram.left) console.log(`  chat ${post.chatId}, message ${post.messageId}: ${post.why}`);
    }
    if (report.files.failed.length) {
      console.log("Files that could not be deleted:");
      for (const line of report.files.failed) console.log(`  ${line}`);
      process.exitCode = 1;
    }
  } finally {
    await closeDeps(deps);
  }
}
