// Full-text search over many messages: generates a support history (Turkish and English text with
// a Zipf-like word distribution, many conversations), then times inbox searches through the same
// code the console's Search box uses (domain/search/searchInbox.ts), per engine.
// Usage: npm run bench -- search [messages=1000000] [engines=sqlite,postgres]
// PostgreSQL runs when TEST_DATABASE_URL (or DATABASE_URL) names a server: the bench creates a
// database of its own there (destek_bench_search) and drops it afterwards. Rewrites its section of BENCHMARKS.md.
import { randomUUID } from "node:crypto";
import pg from "pg";
import type { DatabaseHandle } from "../src/adapters/db/database.ts";
import { searchDocument } from "../src/domain/search/fold.ts";
import { searchInboxPage, searchTermsOf } from "../src/domain/search/searchInbox.ts";
import { historyArgs, loadTimes, runOnEngines, seededRandom, timeRuns } from "./support/history.ts";
import { machine, markdownTable, percentile, saveResult } from "./support/report.ts";

const { total, engines } = historyArgs();
const PER_CONVERSATION = 20;
const BATCH = 5000;
const RUNS = 30;

// ---- generated text: deterministic, so runs compare ----

const random = seededRandom(42);
const TURKISH = (
  "merhaba teşekkürler sipariş kargo iade ödeme fatura ürün destek yardım lütfen nerede zaman gün hafta adres telefon bilgi sorun hata çalışmıyor " +
  "geldi gelmedi gecikti iptal değişim beden renk fiyat indirim kampanya kupon hesap şifre giriş üyelik teslimat mağaza şube müşteri hizmet " +
  "İstanbul ISTANBUL İzmir Ankara ılık ILIK soğuk sıcak şeker ŞEKER çay kahve süt ekmek ığdır ıspanak işte için ile gibi çok daha şimdi yarın bugün " +
  "dün sabah akşam öğle numara takip paket kutu hasarlı kırık eksik fazla yanlış doğru güzel kötü iyi hızlı yavaş uygulama internet site sayfa"
).split(" ");
const ENGLISH = (
  "hello thanks order shipping refund payment invoice product support help please where when day week address phone info problem error broken " +
  "arrived missing delayed cancel exchange size colour price discount campaign coupon account password login membership delivery store branch " +
  "customer service the a to and of is it you my for on with this that have not be are can will was tracking package box damaged wrong right fast slow app website page"
).split(" ");
const RARE = ["zeplin", "kaleydoskop", "quasar", "xylophone", "pırlanta", "ornitorenk"];
// Zipf-like: word k of a list is picked with weight 1/(k+1).
function zipfPicker(words: string[]): () => string {
  const weights = words.map((_, k) => 1 / (k + 1));
  const sum = weights.reduce((a, b) => a + b, 0);
  const cumulative: number[] = [];
  let acc = 0;
  for (const w of weights) {
    acc += w / sum;
    cumulative.push(acc);
  }
  return () => {
    const r = random();
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] ?? 1) < r) lo = mid + 1;
      else hi = mid;
    }
    return words[lo] ?? "";
  };
}
const turkishWord = zipfPicker(TURKISH);
const englishWord = zipfPicker(ENGLISH);
function sentence(): string {
  const word = random() < 0.6 ? turkishWord : englishWord;
  const length = 3 + Math.floor(random() * 18);
  const words = Array.from({ length }, () => (random() < 0.0005 ? (RARE[Math.floor(random() * RARE.length)] ?? "") : word()));
  const text = words.join(" ");
  return text.charAt(0).toLocaleUpperCase("tr") + text.slice(1) + (random() < 0.3 ? "?" : ".");
}
const FIRST = ["Ayşe", "Işıl", "İsmail", "Ömer", "Çağla", "Şule", "John", "Mary", "Ilgaz", "Ece", "Emma", "Oliver"];
const LAST = ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Öztürk", "Smith", "Brown", "Aydın", "Arslan"];

interface Generated {
  visitors: Array<[string, string, string, string]>; // id, token, name, email
  conversations: Array<[string, string, string, number]>; // id, visitor, status, last_message_at
  messages: Array<[string, string, number, string, number]>; // id, conversation, seq, body, created_at
}

/** One slice of the history: conversations `from`..`to` with their messages and visitors. */
function generate(from: number, to: number): Generated {
  const out: Generated = { visitors: [], conversations: [], messages: [] };
  const start = Date.UTC(2026, 0, 1);
  for (let c = from; c < to; c++) {
    const visitorId = randomUUID();
    const first = FIRST[c % FIRST.length] ?? "";
    const last = LAST[Math.floor(c / FIRST.length) % LAST.length] ?? "";
    out.visitors.push([visitorId, randomUUID(), `${first} ${last}`, `${first.toLowerCase()}${c}@example.com`]);
    const conversationId = randomUUID();
    const at = start + c * 60_000;
    const status = random() < 0.3 ? "open" : random() < 0.15 ? "pending" : "resolved";
    out.conversations.push([conversationId, visitorId, status, at + PER_CONVERSATION * 1000]);
    for (let s = 1; s <= PER_CONVERSATION; s++) out.messages.push([randomUUID(), conversationId, s, sentence(), at + s * 1000]);
  }
  return out;
}

// ---- loading: batched, in transactions, straight through the drivers ----

async function loadSqlite(handle: DatabaseHandle): Promise<void> {
  // The handle's own connection, so the FTS5 triggers and the schema are the real ones.
  for (let c = 0; c < total / PER_CONVERSATION; c += BATCH / PER_CONVERSATION) {
    const slice = generate(c, Math.min(total / PER_CONVERSATION, c + BATCH / PER_CONVERSATION));
    await handle.db.transaction().execute(async (trx) => {
      await trx.insertInto("visitors").values(slice.visitors.map(([id, token, name, email]) => visitorRow(id, token, name, email))).execute();
      await trx.insertInto("search_documents").values(slice.visitors.map(([id, , name, email]) => ({ visitor_id: id, conversation_id: null, message_id: null, body: searchDocument(name, email) }))).execute();
      await trx.insertInto("conversations").values(slice.conversations.map(([id, visitor, status, at]) => conversationRow(id, visitor, status, at))).execute();
      for (let i = 0; i < slice.messages.length; i += 500) {
        const part = slice.messages.slice(i, i + 500);
        const visitorOf = new Map(slice.conversations.map(([id, visitor]) => [id, visitor]));
        await trx.insertInto("messages").values(part.map(([id, conversation, seq, body, at]) => messageRow(id, conversation, seq, body, at))).execute();
        await trx
          .insertInto("search_documents")
          .values(part.map(([id, conversation, , body]) => ({ visitor_id: visitorOf.get(conversation) ?? "", conversation_id: conversation, message_id: id, body: searchDocument(body) })))
          .execute();
      }
    });
    progress(c);
  }
}

async function loadPostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // A bulk load builds the GIN index once at the end, as a restore would.
  await client.query("drop index search_documents_tsv");
  for (let c = 0; c < total / PER_CONVERSATION; c += BATCH / PER_CONVERSATION) {
    const slice = generate(c, Math.min(total / PER_CONVERSATION, c + BATCH / PER_CONVERSATION));
    const visitorOf = new Map(slice.conversations.map(([id, visitor]) => [id, visitor]));
    const column = <T>(rows: T[][], i: number) => rows.map((row) => row[i]);
    await client.query("begin");
    await client.query(
      `insert into visitors (id, token_hash, name, email, first_seen_at, last_seen_at) select v.id, v.token, v.name, v.email, 0, 0 from unnest($1::text[], $2::text[], $3::text[], $4::text[]) as v(id, token, name, email)`,
      [0, 1, 2, 3].map((i) => column(slice.visitors, i)),
    );
    await client.query(
      `insert into search_documents (visitor_id, body) select * from unnest($1::text[], $2::text[])`,
      [column(slice.visitors, 0), slice.visitors.map(([, , name, email]) => searchDocument(name, email))],
    );
    await client.query(
      `insert into conversations (id, visitor_id, status, last_seq, last_message_at, visitor_delivered_seq, visitor_read_seq, agent_delivered_seq, agent_read_seq, unread_for_agents, created_at, updated_at)
       select c.id, c.visitor, c.status, ${PER_CONVERSATION}, c.at, 0, 0, 0, 0, 0, c.at, c.at from unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) as c(id, visitor, status, at)`,
      [0, 1, 2, 3].map((i) => column(slice.conversations, i)),
    );
    await client.query(
      `insert into messages (id, conversation_id, seq, client_id, author_type, body, via, created_at)
       select m.id, m.conversation, m.seq, m.id, 'visitor', m.body, 'widget', m.at from unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::bigint[]) as m(id, conversation, seq, body, at)`,
      [0, 1, 2, 3, 4].map((i) => column(slice.messages, i)),
    );
    await client.query(
      `insert into search_documents (visitor_id, conversation_id, message_id, body) select * from unnest($1::text[], $2::text[], $3::text[], $4::text[])`,
      [slice.messages.map(([, conversation]) => visitorOf.get(conversation) ?? ""), column(slice.messages, 1), column(slice.messages, 0), slice.messages.map(([, , , body]) => searchDocument(body))],
    );
    await client.query("commit");
    progress(c);
  }
  await client.query("create index search_documents_tsv on search_documents using gin (tsv) where message_id is not null");
  await client.end();
}

const visitorRow = (id: string, token: string, name: string, email: string) => ({
  id, token_hash: token, name, email, phone: null, language: null, user_agent: null, page_url: null, page_title: null, first_seen_at: 0, last_seen_at: 0, metadata: null,
});
const conversationRow = (id: string, visitor: string, status: string, at: number) => ({
  id, visitor_id: visitor, status: status as "open", assignee_id: null, page_url: null, last_seq: PER_CONVERSATION, last_message_at: at, last_message_preview: null,
  last_message_author: null, visitor_delivered_seq: 0, visitor_read_seq: 0, agent_delivered_seq: 0, agent_read_seq: 0, unread_for_agents: 0, created_at: at, updated_at: at, resolved_at: null,
});
const messageRow = (id: string, conversation: string, seq: number, body: string, at: number) => ({
  id, conversation_id: conversation, seq, client_id: id, author_type: "visitor" as const, author_id: null, body, via: "widget" as const, created_at: at,
});
let lastReport = 0;
function progress(conversation: number): void {
  const done = conversation * PER_CONVERSATION;
  if (done - lastReport >= 100_000 || done === 0) {
    lastReport = done;
    console.error(`  ${done} messages…`);
  }
}

// ---- the queries ----

const QUERIES: Array<[string, string, "open" | "resolved"]> = [
  ["common word", "sipariş ", "open"],
  ["common word, resolved tab", "kargo ", "resolved"],
  ["common English word", "the ", "open"],
  ["rare word", "ornitorenk ", "open"],
  ["no hit", "zzqxv ", "open"],
  ["prefix as typed", "ista", "open"],
  ["short prefix", "ka", "open"],
  ["two words", "kargo gecikti ", "open"],
  ["phrase", '"iade ödeme"', "open"],
  ["Turkish İ (İSTANBUL)", "İSTANBUL ", "open"],
  ["Turkish ı (ılık)", "ılık ", "open"],
  ["Turkish I (ILIK)", "ILIK ", "open"],
  ["Turkish ş (SEKER)", "SEKER ", "open"],
  ["visitor name", "Öztürk ", "open"],
];

interface Timing {
  query: string;
  p50: number;
  p95: number;
  hits: number;
}

async function timeQueries(handle: DatabaseHandle): Promise<Timing[]> {
  const timings: Timing[] = [];
  for (const [label, q, status] of QUERIES) {
    const terms = searchTermsOf(q);
    const filter = { status, assignee: { kind: "all" as const }, limit: 31 };
    const { samples, last: page } = await timeRuns(2, RUNS, () => searchInboxPage({ db: handle.db }, filter, terms));
    const hits = page.rows.length;
    const [p50, p95] = [percentile(samples, 50), percentile(samples, 95)];
    timings.push({ query: `${label}: \`${q.trim()}\``, p50, p95, hits });
    console.error(`  ${label}: p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, ${hits} conversations on the first page`);
  }
  return timings;
}

const atStart = machine();
const results = await runOnEngines(
  {
    name: "search",
    total,
    seed: (handle, engine, url) => (engine === "sqlite" ? loadSqlite(handle) : loadPostgres(url ?? "")),
    measure: timeQueries,
  },
  engines,
);

const body = [
  `${total} messages in ${total / PER_CONVERSATION} conversations. Each query ran ${RUNS} times after 2 warm-ups, one inbox page (31 conversations) with snippets, through \`searchInboxPage\`. Loads: ${loadTimes(results)}. Target: p95 < 100 ms.`,
  "",
  markdownTable(
    ["query", ...results.flatMap((r) => [`${r.engine} p50 ms`, `${r.engine} p95 ms`]), "hits on page"],
    QUERIES.map((_, i) => [
      results[0]?.timings[i]?.query ?? "",
      ...results.flatMap((r) => [r.timings[i]?.p50.toFixed(1) ?? "", r.timings[i]?.p95.toFixed(1) ?? ""]),
      results[0]?.timings[i]?.hits ?? "",
    ]),
  ),
].join("\n");
saveResult({ name: "search", title: "Full-text search", command: `npm run bench -- search ${process.argv.slice(2).join(" ")}`.trim(), date: new Date().toISOString().slice(0, 10), machine: atStart, body });
process.exit(0);
