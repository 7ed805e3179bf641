import type { Kysely } from "kysely";

// Web push (the console installed on an agent's phone). `push_subscriptions`: one row per browser an
// agent turned notifications on in (its push service endpoint and the keys that encrypt for it),
// gone with the agent. `push_keys`: the install's VAPID key pair, made once by whichever node needs
// it first (insert-if-absent, then read back), so every node signs with the same key: subscriptions
// are bound to the public key they were made with.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("push_subscriptions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("agent_id", "text", (c) => c.notNull().references("agents.id").onDelete("cascade"))
    .addColumn("endpoint", "text", (c) => c.notNull().unique())
    .addColumn("p256dh", "text", (c) => c.notNull())
    .addColumn("auth", "text", (c) => c.notNull())
    .addColumn("device", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("last_sent_at", "bigint")
    .execute();
  await db.schema.createIndex("push_subscriptions_agent").on("push_subscriptions").column("agent_id").execute();
  await db.schema
    .createTable("push_keys")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("public_key", "text", (c) => c.notNull())
    .addColumn("private_key", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("push_keys").execute();
  await db.schema.dropTable("push_subscriptions").execute();
}
