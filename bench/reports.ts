// Reports over a year of history: 1 million messages in 50,000 conversations, 20,000 calls, ratings
// and agents' availability, then each report the console's Reports page asks for, through the same
// code (domain/reports/reports.ts), per engine. Target: every report under 1 s.
// Usage: npm run bench -- reports [messages=1000000] [engines=sqlite,postgres]
// PostgreSQL runs when TEST_DATABASE_URL (or DATABASE_URL) names a server: the bench creates a
// database of its own there (destek_bench_reports) and drops it afterwards. Rewrites its section of BENCHMARKS.md.
import { randomUUID } from "node:crypto";
import type { Db } from "../src/adapters/db/database.ts";
import { buildReport } from "../src/domain/reports/reports.ts";
import type { DomainDeps } from "../src/domain/ports.ts";
import type { ReportQuery } from "../src/protocol/reports.ts";
import { historyArgs, loadTimes, runOnEngines, seededRandom, timeRuns } from "./support/history.ts";
import { machine, markdownTable, ms, percentile, saveResult } from "./support/report.ts";

const { total, engines } = historyArgs();
const PER_CONVERSATION = 20;
const CONVERSATIONS = total / PER_CONVERSATION;
const CALLS = Math.round(CONVERSATIONS * 0.4);
const RUNS = 10;
const DAY = 86_400_000;
/** The history ends here; the reports look back from it. */
const END = Date.UTC(2026, 10, 30, 21); // 2026-12-01 00:00 in Istanbul
const START = END - 365 * DAY;
const INBOXES = ["default", "sales", "support"];
const AGENTS = Array.from({ length: 10 }, (_, i) => ({ id: randomUUID(), name: `Agent ${i + 1}`, inboxes: [...new Set([INBOXES[i % 3] ?? "default", ...(i % 4 === 0 ? ["sales"] : [])])] }));

const random = seededRandom(7);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;

async function insertAll<T>(db: Db, table: "conversations" | "messages" | "calls" | "conversation_ratings" | "agent_availability" | "visitors", rows: T[], chunk: number): Promise<void> {
  for (let i = 0; i < rows.length; i += chunk) {
    // biome-ignore lint/suspicious/noExplicitAny: generated rows of the table named
    await db.insertInto(table).values(rows.slice(i, i + chunk) as any).execute();
  }
}

async function load(db: Db): Promise<void> {
  const now = START;
  await db.insertInto("inboxes").values(INBOXES.filter((id) => id !== "default").map((id) => ({ id, name: id, settings: "{}", created_at: now, updated_at: now }))).execute();
  await db.insertInto("agents").values(AGENTS.map((a) => ({
    id: a.id, username: a.name.toLowerCase().replace(" ", ""), name: a.name, password_hash: "x", role: "agent", telegram_chat_id: null, language: null,
    created_at: now, updated_at: now, disabled_at: null, last_login_at: null,
  // biome-ignore lint/suspicious/noExplicitAny: the agents table has more columns with defaults
  })) as any).execute();
  await db.insertInto("inbox_members").values(AGENTS.flatMap((a) => a.inboxes.map((inbox_id) => ({ inbox_id, agent_id: a.id, created_at: now })))).execute();
  const visitors = Array.from({ length: 1000 }, () => ({ id: randomUUID(), token_hash: randomUUID(), name: "Visitor", email: null, phone: null, language: null, user_agent: null, page_url: null, page_title: null, first_seen_at: now, last_seen_at: now, metadata: null }));
  await insertAll(db, "visitors", visitors, 500);

  const BATCH = 2500; // conversations per transaction
  for (let c0 = 0; c0 < CONVERSATIONS; c0 += BATCH) {
    const conversations: object[] = [];
    const messages: object[] = [];
    const ratings: object[] = [];
    for (let c = c0; c < Math.min(CONVERSATIONS, c0 + BATCH); c++) {
      const id = randomUUID();
      const visitor = pick(visitors).id;
      const agent = random() < 0.9 ? pick(AGENTS) : undefined;
      const inbox = agent ? pick(agent.inboxes) : pick(INBOXES);
      // Busier in the afternoon: start within the day, skewed.
      const created = START + Math.floor((c / CONVERSATIONS) * 365) * DAY + Math.floor(random() ** 0.7 * DAY);
      const firstReply = 5_000 + Math.floor(random() ** 3 * 3_600_000);
      const resolved = agent && random() < 0.7 ? created + firstReply + Math.floor(random() * 2 * 3_600_000) : null;
      for (let s = 1; s <= PER_CONVERSATION; s++) {
        const byAgent = agent !== undefined && s % 2 === 0;
        const at = created + (s === 1 ? 0 : firstReply + (s - 2) * 30_000);
        messages.push({ id: randomUUID(), conversation_id: id, seq: s, client_id: randomUUID(), author_type: byAgent ? "agent" : "visitor", author_id: byAgent ? agent.id : null, body: "Merhaba, siparişim nerede?", via: byAgent ? "console" : "widget", created_at: at });
      }
      conversations.push({
        id, visitor_id: visitor, status: resolved ? "resolved" : "open", assignee_id: agent?.id ?? null, page_url: null, last_seq: PER_CONVERSATION, last_message_at: created, last_message_preview: null,
        last_message_author: null, visitor_delivered_seq: 0, visitor_read_seq: 0, agent_delivered_seq: 0, agent_read_seq: 0, unread_for_agents: 0, created_at: created, updated_at: created, resolved_at: resolved, inbox_id: inbox,
        // As the message path stores it (repositories/chat.ts insertMessage).
        first_reply_at: agent ? created + firstReply : null,
      });
      if (resolved && random() < 0.3) ratings.push({ conversation_id: id, visitor_id: visitor, score: 1 + Math.floor(random() ** 0.5 * 5), comment: null, created_at: resolved, updated_at: resolved });
    }
    await db.transaction().execute(async (trx) => {
      await insertAll(trx, "conversations", conversations, 500);
      await insertAll(trx, "messages", messages, 1000);
      await insertAll(trx, "conversation_ratings", ratings, 500);
    });
    if (c0 % 10_000 === 0) console.error(`  ${c0 * PER_CONVERSATION} messages…`);
  }
  const calls = Array.from({ length: CALLS }, (_, i) => {
    const created = START + Math.floor((i / CALLS) * 365 * DAY);
    const r = random();
    const status = r < 0.7 ? "ended" : r < 0.9 ? "missed" : "rejected";
    const agent = status === "ended" ? pick(AGENTS) : undefined;
    const answered = agent ? created + 2_000 + Math.floor(random() * 30_000) : null;
    return {
      id: randomUUID(), visitor_id: pick(visitors).id, conversation_id: null, agent_id: agent?.id ?? null, status, media: "audio", recording_mode: "off", created_at: created, answered_at: answered,
      ended_at: created + 600_000, duration_ms: answered ? Math.floor(random() * 600_000) : null, end_reason: null, inbox_id: agent ? pick(agent.inboxes) : pick(INBOXES),
    };
  });
  await db.transaction().execute((trx) => insertAll(trx, "calls", calls, 500));
  const availability = AGENTS.flatMap((a) =>
    Array.from({ length: 365 }, (_, d) => [
      { id: randomUUID(), agent_id: a.id, available: 1, at: START + d * DAY + 6 * 3_600_000 + Math.floor(random() * 3_600_000) },
      { id: randomUUID(), agent_id: a.id, available: 0, at: START + d * DAY + 15 * 3_600_000 + Math.floor(random() * 3_600_000) },
    ]).flat(),
  );
  await db.transaction().execute((trx) => insertAll(trx, "agent_availability", availability, 500));
}

const localDate = (ms: number) => new Date(ms + 3 * 3_600_000).toISOString().slice(0, 10);
const LAST = localDate(END - 1);
const daysBack = (n: number) => localDate(END - n * DAY);
const admin = { id: randomUUID(), role: "admin" as const };
const member = { id: AGENTS[0]?.id ?? "", role: "agent" as const };
const REPORTS: Array<[string, { id: string; role: "admin" | "agent" }, ReportQuery]> = [
  ["admin, last 7 days", admin, { from: daysBack(7), to: LAST }],
  ["admin, last 30 days", admin, { from: daysBack(30), to: LAST }],
  ["admin, last 30 days, Europe/Berlin", admin, { from: daysBack(30), to: LAST, timeZone: "Europe/Berlin" }],
  ["admin, a whole year", admin, { from: daysBack(365), to: LAST }],
  ["admin, a year, one inbox", admin, { from: daysBack(365), to: LAST, inboxId: "sales" }],
  ["admin, a year, one agent", admin, { from: daysBack(365), to: LAST, agentId: AGENTS[1]?.id ?? "" }],
  ["agent of two inboxes, last 30 days", member, { from: daysBack(30), to: LAST }],
  ["agent of two inboxes, a whole year", member, { from: daysBack(365), to: LAST }],
];

interface Timing {
  label: string;
  p50: number;
  max: number;
  conversations: number;
}

async function timeReports(db: Db): Promise<Timing[]> {
  const deps = { db, clock: { now: () => END }, calls: { timezone: "Europe/Istanbul", iceServers: [], turnSecret: undefined } } as unknown as DomainDeps;
  const timings: Timing[] = [];
  for (const [label, agent, query] of REPORTS) {
    const { samples, last: report } = await timeRuns(1, RUNS, () => buildReport(deps, agent, query));
    const conversations = report.conversationsPerDay.reduce((sum, d) => sum + d.conversations, 0);
    const timing = { label, p50: percentile(samples, 50), max: percentile(samples, 100), conversations };
    timings.push(timing);
    console.error(`  ${label}: p50 ${ms(timing.p50)}, max ${ms(timing.max)}, ${conversations} conversations`);
  }
  return timings;
}

const atStart = machine();
const results = await runOnEngines({ name: "reports", total, seed: (handle) => load(handle.db), measure: (handle) => timeReports(handle.db) }, engines);

const body = [
  `${total} messages in ${CONVERSATIONS} conversations over 365 days (10 agents, 3 inboxes, ${CALLS} calls, ratings on about a fifth of the conversations, two availability changes per agent a day). Each report is the whole Reports page (every figure: ${"`buildReport`"}, its queries run together), ${RUNS} runs after a warm-up, time zone Europe/Istanbul unless named. Loads: ${loadTimes(results)}. Target: every report under 1 s.`,
  "",
  markdownTable(
    ["report", ...results.flatMap((r) => [`${r.engine} p50`, `${r.engine} max`]), "conversations in it"],
    REPORTS.map((_, i) => [
      results[0]?.timings[i]?.label ?? "",
      ...results.flatMap((r) => [ms(r.timings[i]?.p50 ?? Number.NaN), ms(r.timings[i]?.max ?? Number.NaN)]),
      results[0]?.timings[i]?.conversations ?? "",
    ]),
  ),
  "",
  `Machine: the shared 2-core development machine, with other helpers' tests and builds running beside the benchmark (load average ${atStart.loadAverage} at the start); SQLite in a temporary file, PostgreSQL on 127.0.0.1 in a database of its own, dropped afterwards.`,
].join("\n");
saveResult({ name: "reports", title: "Reports", command: `npm run bench -- reports ${process.argv.slice(2).join(" ")}`.trim(), date: new Date().toISOString().slice(0, 10), machine: atStart, body });
process.exit(0);
