import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, openDatabase } from "../../src/adapters/db/database.ts";
import { assignWaiting } from "../../src/domain/assignment/autoAssign.ts";
import { memberAgent, setAutoAssign, waitingConversation } from "../support/assignmentFixture.ts";
import { freshPostgresDatabase, testDatabases } from "../support/databases.ts";
import { startTestApp, type TestApp } from "../support/testApp.ts";

// Two nodes (two apps, each with its own connection pool) on one PostgreSQL database, assigning
// the same queue at the same time: FOR UPDATE SKIP LOCKED and the agent-row locks must keep every
// conversation to one agent and every agent within capacity.

const postgres = testDatabases().some((d) => d.name === "postgres");
const AGENTS = 4;
const CAPACITY = 5;
const CONVERSATIONS = 40;

describe.skipIf(!postgres)("automatic assignment racing on two nodes (PostgreSQL)", () => {
  let fresh: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  const handles: DatabaseHandle[] = [];
  const nodes: TestApp[] = [];

  beforeAll(async () => {
    fresh = await freshPostgresDatabase(process.env.TEST_DATABASE_URL as string);
    for (let i = 0; i < 2; i++) {
      const handle = openDatabase({ kind: "postgres", url: fresh.url });
      handles.push(handle);
      nodes.push(await startTestApp({ database: handle }));
    }
  });
  afterAll(async () => {
    for (const node of nodes) await node.close();
    await fresh.dispose();
  });

  it("never assigns a conversation twice nor gives an agent more than their capacity", async () => {
    const [one, two] = nodes as [TestApp, TestApp];
    const db = one.deps.domain.db;
    await setAutoAssign(db, { auto: true, capacity: CAPACITY });
    const agents: string[] = [];
    for (let i = 0; i < AGENTS; i++) agents.push((await memberAgent(one.deps.domain, `racer${i}`)).id);
    const base = Date.now();
    for (let i = 0; i < CONVERSATIONS; i++) await waitingConversation(db, base + i);

    // Three runs on each node at once, as if events arrived on both together.
    const runs = await Promise.all([one, two, one, two, one, two].map((node) => assignWaiting(node.deps.domain, agents)));
    const claimed = runs.flat();
    expect(new Set(claimed.map((c) => c.conversationId)).size).toBe(claimed.length);
    expect(claimed).toHaveLength(AGENTS * CAPACITY);

    const load = await db
      .selectFrom("conversations")
      .select(["assignee_id", (eb) => eb.fn.countAll<number>().as("n")])
      .where("status", "=", "open")
      .where("assignee_id", "is not", null)
      .groupBy("assignee_id")
      .execute();
    expect(load.map((row) => Number(row.n))).toEqual(Array(AGENTS).fill(CAPACITY));
    const events = await db.selectFrom("conversation_events").select(["conversation_id"]).where("kind", "=", "assigned").execute();
    expect(events).toHaveLength(AGENTS * CAPACITY);
    expect(new Set(events.map((e) => e.conversation_id)).size).toBe(AGENTS * CAPACITY);
    const waiting = await db.selectFrom("conversations").select("id").where("assignee_id", "is", null).execute();
    expect(waiting).toHaveLength(CONVERSATIONS - AGENTS * CAPACITY);
  });
});
