import type { Kysely } from "kysely";

// Outgoing webhooks. `webhooks` holds each endpoint an admin registered: its URL, the events it
// takes (a JSON array), its signing secret (AES-256-GCM under a key derived from SECRET_KEY) and
// whether it is on. `webhook_deliveries` is both the outbox and the delivery log: one row per event
// per webhook, leased by one worker at a time (`lease_owner`, `next_attempt_at` moved forward as in
// the Telegram outbox), retried with backoff, and kept after the last try so the console can show
// status, attempts and the receiver's answer, and redeliver it. `order_key` (the conversation) holds
// a webhook's later deliveries of one conversation back while an earlier one is still pending.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("webhooks")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("events", "text", (c) => c.notNull())
    .addColumn("secret", "text", (c) => c.notNull())
    .addColumn("enabled", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("webhook_deliveries")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("webhook_id", "text", (c) => c.notNull().references("webhooks.id").onDelete("cascade"))
    .addColumn("event", "text", (c) => c.notNull())
    .addColumn("event_id", "text", (c) => c.notNull())
    .addColumn("order_key", "text")
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "bigint", (c) => c.notNull())
    .addColumn("lease_owner", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("last_attempt_at", "bigint")
    .addColumn("delivered_at", "bigint")
    .addColumn("response_status", "integer")
    .addColumn("response_snippet", "text")
    .addColumn("last_error", "text")
    .addColumn("redelivery_of", "text")
    .execute();
  await db.schema.createIndex("webhook_deliveries_due").on("webhook_deliveries").columns(["status", "next_attempt_at"]).execute();
  await db.schema.createIndex("webhook_deliveries_log").on("webhook_deliveries").columns(["webhook_id", "created_at"]).execute();
  await db.schema.createIndex("webhook_deliveries_order").on("webhook_deliveries").columns(["webhook_id", "order_key", "status", "created_at"]).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("webhook_deliveries").execute();
  await db.schema.dropTable("webhooks").execute();
}
