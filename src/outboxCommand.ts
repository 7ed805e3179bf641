import pino from "pino";
import { deadOutbox, requeueDeadOutbox } from "./adapters/db/repositories/outbox.ts";
import { closeDeps, createDeps } from "./deps.ts";
import { notFound } from "./domain/errors.ts";
import { configOrExit } from "./main.ts";

/** `destek outbox dead` lists notifications given up on; `destek outbox retry <id>` queues one again. */
export async function outboxCommand(args: string[], usage: (message: string) => Error): Promise<void> {
  const [sub, id] = args;
  if (sub !== "dead" && !(sub === "retry" && id)) throw usage(sub === "retry" ? "outbox retry needs a row id" : `unknown outbox command "${sub ?? ""}"`);
  const deps = createDeps(configOrExit(), { log: pino({ level: "warn" }) });
  try {
    if (sub === "retry" && id) {
      if (!(await requeueDeadOutbox(deps.domain.db, id, deps.domain.clock.now()))) throw notFound("outbox_row_not_found", `No dead outbox row ${id}.`);
      console.log(`Queued ${id} again; it is sent by the node that talks to Telegram.`);
      return;
    }
    const rows = await deadOutbox(deps.domain.db);
    if (!rows.length) {
      console.log("No dead notifications.");
      return;
    }
    for (const row of rows) {
      const at = new Date(row.created_at).toISOString();
      console.log([row.id, at, row.kind, `chat ${row.chat_id ?? "?"}`, row.last_error ?? ""].join("\t"));
    }
  } finally {
    await closeDeps(deps);
  }
}
