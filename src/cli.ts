import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import pino from "pino";
import { migrateToLatest } from "./adapters/db/database.ts";
import { createAgent, disableAgent, resetPassword } from "./domain/agents.ts";
import { DomainError } from "./domain/errors.ts";
import type { Actor } from "./domain/ports.ts";
import { closeDeps, createDeps } from "./deps.ts";
import { configOrExit, main } from "./main.ts";
import { enableAgent, listTeam } from "./domain/team.ts";
import { contactCommand } from "./contactCommand.ts";
import { filesCommand } from "./filesCommand.ts";
import { outboxCommand } from "./outboxCommand.ts";
import { inboxCommand } from "./inboxCommand.ts";
import { BackupArchiveError, BackupError, backupCommand } from "./backupCommand.ts";

const USAGE = `Usage: destek <command>

  serve                         start the server (what \`npm start\` runs)
  migrate                       apply database migrations and exit
  agent add --username U --name "N" [--admin] [--telegram-chat-id ID] [--language tr|en]
                                create an agent; the password is read from standard input
  agent list                    list agents
  agent disable <username>      disable an agent and end their sessions
  agent enable <username>       enable a disabled agent again
  agent reset-password <username>
                                set a new password (from standard input) and end their sessions
  inbox list                    list inboxes (websites) with their snippets
  inbox add --name "N"          create an inbox and print its snippet
  inbox members <inbox-id> <username>...
                                set an inbox's members (the whole list)
  outbox dead                   list Telegram notifications given up on (dead-lettered)
  outbox retry <id>             queue a dead notification again, once its cause is fixed
  contact export <id|email> --out file.zip
                                everything stored about a person, for an access request
  contact erase <id|email> [--yes]
                                erase a person (asks to confirm unless --yes)
  backup <file.zip> [--include-secret-key]
                                a consistent online backup: the database (SQLite), the stored
                                files and a manifest; on PostgreSQL, the files plus pg_dump guidance
  restore <file.zip> [--force]  restore a backup into an empty DATA_DIR (--force replaces a database)
  files reencrypt               store every attachment and recording under the current key
                                (after turning ENCRYPT_FILES on, or rotating SECRET_KEY)
`;

const CLI_ACTOR: Actor = { type: "system" };

/** Reads the password from stdin: hidden prompt on a terminal, first line when piped. Never argv. */
async function readPassword(prompt: string): Promise<string> {
  const input = process.stdin;
  if (input.isTTY) {
    process.stderr.write(prompt);
    input.setRawMode(true);
    let value = "";
    for await (const chunk of input) {
      for (const char of String(chunk)) {
        if (char === "\r" || char === "\n") {
          input.setRawMode(false);
          input.pause();
          process.stderr.write("\n");
          return value;
        }
        if (char === "\u0003") process.exit(130);
        value = char === "\u007f" ? value.slice(0, -1) : value + char;
      }
    }
    return value;
  }
  const lines = createInterface({ input });
  for await (const line of lines) return line;
  return "";
}

async function agentCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      username: { type: "string" },
      name: { type: "string" },
      admin: { type: "boolean", default: false },
      "telegram-chat-id": { type: "string" },
      language: { type: "string" },
    },
  });
  // Check the arguments before touching DATA_DIR, so a typo creates nothing.
  if (!["add", "list", "disable", "enable", "reset-password"].includes(sub ?? "")) throw new UsageError(`unknown agent command "${sub ?? ""}"`);
  if (sub === "add" && (!values.username || !values.name)) throw new UsageError("agent add needs --username and --name");
  if ((sub === "disable" || sub === "enable" || sub === "reset-password") && !positionals[0]) throw new UsageError(`agent ${sub} needs a username`);
  const deps = createDeps(configOrExit(), { log: pino({ level: "warn" }) });
  try {
    await migrateToLatest(deps.database);
    const domain = deps.domain;
    switch (sub) {
      case "add": {
        if (!values.username || !values.name) throw new UsageError("agent add needs --username and --name");
        const language = values.language === "tr" || values.language === "en" ? values.language : undefined;
        const password = await readPassword("Password: ");
        const agent = await createAgent(domain, CLI_ACTOR, {
          username: values.username,
          name: values.name,
          password,
          role: values.admin ? "admin" : "agent",
          telegramChatId: values["telegram-chat-id"],
          language,
        });
        console.log(`Created ${agent.isAdmin ? "admin" : "agent"} ${agent.username} (${agent.id})`);
        break;
      }
      case "list": {
        // The Team page's view, so agents invited from the console show as "invited".
        const rows = (await listTeam(domain)).map((a) => ({
          username: a.username,
          name: a.name,
          role: a.role,
          telegram: a.telegramLinked ? "linked" : "-",
          totp: a.totpEnabled ? "on" : "-",
          status: a.status,
        }));
        if (rows.length) console.table(rows);
        else console.log("No agents yet.");
        break;
      }
      case "disable": {
        const username = positionals[0];
        if (!username) throw new UsageError("agent disable needs a username");
        await disableAgent(domain, CLI_ACTOR, username);
        console.log(`Disabled ${username}; their sessions are ended.`);
        break;
      }
      case "enable": {
        const username = positionals[0];
        if (!username) throw new UsageError("agent enable needs a username");
        await enableAgent(domain, CLI_ACTOR, username);
        console.log(`Enabled ${username}; they can sign in again.`);
        break;
      }
      case "reset-password": {
        const username = positionals[0];
        if (!username) throw new UsageError("agent reset-password needs a username");
        await resetPassword(domain, CLI_ACTOR, username, await readPassword("New password: "));
        console.log(`Password of ${username} changed; their sessions are ended.`);
        break;
      }
      default:
        throw new UsageError(`unknown agent command "${sub ?? ""}"`);
    }
  } finally {
    await closeDeps(deps);
  }
}

class UsageError extends Error {}

async function run(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case "serve":
    case undefined:
      return main();
    case "migrate": {
      const deps = createDeps(configOrExit(), { log: pino({ level: "warn" }) });
      try {
        const applied = await migrateToLatest(deps.database);
        console.log(applied.length ? `Applied: ${applied.join(", ")}` : "Database is up to date.");
      } finally {
        await closeDeps(deps);
      }
      return;
    }
    case "agent":
      return agentCommand(rest);
    case "inbox":
      return inboxCommand(rest, (message) => new UsageError(message));
    case "outbox":
      return outboxCommand(rest, (message) => new UsageError(message));
    case "contact":
      return contactCommand(rest, (message) => new UsageError(message));
    case "backup":
    case "restore":
      return backupCommand(command, rest, (message) => new UsageError(message));
    case "files":
      return filesCommand(rest, (message) => new UsageError(message));
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(USAGE);
      return;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

run(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`destek: ${error.message}\n\n${USAGE}`);
  } else if (error instanceof DomainError || error instanceof BackupError || error instanceof BackupArchiveError) {
    process.stderr.write(`destek: ${error.message}\n`);
  } else if (error instanceof Error && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS")) {
    process.stderr.write(`destek: ${error.message}\n\n${USAGE}`);
  } else {
    process.stderr.write(`destek: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exitCode = 1;
});
