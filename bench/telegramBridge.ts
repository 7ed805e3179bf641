// Telegram bridge latency, both ways, against a local Bot API server that speaks Telegram's HTTP
// protocol (the tests' fake: long-polled getUpdates, real JSON bodies).
//   visitor → Telegram: from a visitor's `message:send` to the bot's `sendMessage` of it reaching the API.
//   Telegram → visitor: from an agent's reply entering getUpdates to the visitor's `message:new`.
// Messages go at a steady rate from many visitors, as in a shop's busy hour, not all at once.
//   npm run bench -- telegram [--messages 300] [--rate 10] [--visitors 30]
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { io, type Socket } from "socket.io-client";
import { FakeTelegram, type SentMessage } from "../test/support/fakeTelegram.ts";
import { startDestekNode } from "./support/nodes.ts";
import { machine, markdownTable, ms, percentile, saveResult } from "./support/report.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { messages: { type: "string", default: "300" }, rate: { type: "string", default: "10" }, visitors: { type: "string", default: "30" } },
});
const messages = Number(values.messages);
const rate = Number(values.rate);
const visitorCount = Number(values.visitors);
const TEAM_CHAT = -100_777;
const AGENT_USER = 5151;
const TARGET_P99_MS = 200;
const DEADLINE_MS = 10_000;
const now = () => performance.timeOrigin + performance.now();

const telegram = await new FakeTelegram().start();
// Each sent text carries its marker; the bot's post of it is timed on arrival.
const arrivals = new Map<string, { at: number; post: SentMessage }>();
telegram.onSent = (post) => {
  const marker = /\bm-[a-z0-9]+-\d+\b/.exec(String(post.text ?? post.caption ?? ""))?.[0];
  if (marker && !arrivals.has(marker)) arrivals.set(marker, { at: now(), post });
};
const node = await startDestekNode("destek, SQLite", {
  TELEGRAM_BOT_TOKEN: telegram.token,
  TELEGRAM_API_ROOT: telegram.apiRoot,
  TELEGRAM_ADMIN_CHAT_ID: String(TEAM_CHAT),
  TELEGRAM_ALERT_FLOOD_PER_MINUTE: "100000",
  BENCH_AGENT_TELEGRAM_ID: String(AGENT_USER),
});

async function until<T>(what: string, probe: () => T | undefined, withinMs = DEADLINE_MS): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

interface Visitor {
  socket: Socket;
  /** The latest bot post of this visitor's conversation: an agent's reply to it reaches the visitor. */
  post?: SentMessage;
}

const run = randomBytes(3).toString("hex");
const visitors: Visitor[] = await Promise.all(
  Array.from({ length: visitorCount }, async () => {
    const socket = io(`http://127.0.0.1:${node.port}/visitor`, { auth: { visitorToken: randomBytes(32).toString("base64url") }, transports: ["websocket"] });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", reject);
    });
    return { socket };
  }),
);

// Each visitor opens its conversation first (the alert); the measured messages are follow-ups.
let sequence = 0;
const marker = () => `m-${run}-${++sequence}`;
async function send(visitor: Visitor, text: string): Promise<number> {
  const at = now();
  const ack = (await visitor.socket.timeout(DEADLINE_MS).emitWithAck("message:send", { clientId: `b-${randomBytes(8).toString("hex")}`, body: text })) as { ok: boolean };
  if (!ack.ok) throw new Error(`message refused: ${JSON.stringify(ack)}`);
  return at;
}
for (const visitor of visitors) {
  const tag = marker();
  await send(visitor, `Merhaba ${tag}`);
  visitor.post = (await until(`the alert of ${tag}`, () => arrivals.get(tag))).post;
}

// visitor → Telegram, at `rate` messages a second spread over the visitors.
const outbound: number[] = [];
let lost = 0;
{
  const pending: Promise<void>[] = [];
  const start = now();
  for (let i = 0; i < messages; i++) {
    const due = start + (i * 1000) / rate;
    while (now() < due) await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - now())));
    const visitor = visitors[i % visitors.length] as Visitor;
    const tag = marker();
    pending.push(
      (async () => {
        const sentAt = await send(visitor, `Siparişim nerede? ${tag}`);
        try {
          const arrival = await until(`the post of ${tag}`, () => arrivals.get(tag));
          outbound.push(arrival.at - sentAt);
          visitor.post = arrival.post;
        } catch {
          lost++;
        }
      })(),
    );
  }
  await Promise.all(pending);
}

// Telegram → visitor: an agent answers each visitor's latest post by replying to it in the team chat.
const inbound: number[] = [];
let unanswered = 0;
{
  const pending: Promise<void>[] = [];
  const start = now();
  for (let i = 0; i < messages; i++) {
    const due = start + (i * 1000) / rate;
    while (now() < due) await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - now())));
    const visitor = visitors[i % visitors.length] as Visitor;
    const text = `Kargoda ${marker()}`;
    const received = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        visitor.socket.off("message:new", onMessage);
        reject(new Error("not delivered"));
      }, DEADLINE_MS);
      const onMessage = (message: { body?: string }) => {
        if (message.body !== text) return;
        clearTimeout(timer);
        visitor.socket.off("message:new", onMessage);
        resolve(now());
      };
      visitor.socket.on("message:new", onMessage);
    });
    const pushedAt = now();
    telegram.pushReply(TEAM_CHAT, AGENT_USER, (visitor.post as SentMessage).message_id, { text });
    pending.push(
      received.then(
        (at) => {
          inbound.push(at - pushedAt);
        },
        () => {
          unanswered++;
        },
      ),
    );
  }
  await Promise.all(pending);
}

for (const visitor of visitors) visitor.socket.close();
await node.stop();
await telegram.stop();

outbound.sort((a, b) => a - b);
inbound.sort((a, b) => a - b);
const p99 = percentile(outbound, 99);
const body = [
  `${messages} messages each way at ${rate} a second from ${visitorCount} visitors, one destek node on SQLite, the Bot API server on the same machine.`,
  "",
  markdownTable(
    ["direction", "p50", "p90", "p99", "max", "not delivered in 10 s", "target"],
    [
      ["visitor message → `sendMessage` at the Bot API", ms(percentile(outbound, 50)), ms(percentile(outbound, 90)), ms(p99), ms(outbound.at(-1) ?? Number.NaN), lost, `p99 < ${TARGET_P99_MS} ms: ${p99 < TARGET_P99_MS && lost === 0 ? "met" : "**missed**"}`],
      ["agent reply in getUpdates → visitor's `message:new`", ms(percentile(inbound, 50)), ms(percentile(inbound, 90)), ms(percentile(inbound, 99)), ms(inbound.at(-1) ?? Number.NaN), unanswered, "–"],
    ],
  ),
  "",
  "The reply direction includes getUpdates' long poll: the Bot API server answers a waiting poll as soon as the update arrives, as Telegram does.",
].join("\n");
saveResult({ name: "telegram", title: "Telegram bridge latency", command: `npm run bench -- telegram ${process.argv.slice(2).join(" ")}`.trim(), date: new Date().toISOString().slice(0, 10), machine: machine(), body });
process.exit(0);
