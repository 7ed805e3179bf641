// A load-generator thread for the open-loop chat benchmark (bench/chatOpenLoop.ts). Each thread owns
// a share of the visitor sockets and sends on a fixed schedule whatever the server's answers do, so
// a slow server shows up as latency instead of slowing the offered load (no coordinated omission).
// It also measures its own lag behind the schedule, to tell when the generator is the bottleneck.
// Messages from the parent:
//   { type: "connect", urls, count, prefix }  → { type: "connected", count }
//   { type: "warmup" }                       → { type: "warm" }   one acknowledged message a visitor
//   { type: "run", rate, visitors, startAt, durationMs, tag } → { type: "sent", sends, lags, failedAcks }
//   { type: "close" }
import { randomBytes } from "node:crypto";
import { parentPort } from "node:worker_threads";
import { io, type Socket } from "socket.io-client";

const port = parentPort;
if (!port) throw new Error("chatLoadWorker runs as a worker thread");
const now = () => performance.timeOrigin + performance.now();

let sockets: Socket[] = [];
let prefix = "w";
let counter = 0;

function connectOne(url: string): Promise<Socket> {
  const socket = io(url, { auth: { visitorToken: randomBytes(32).toString("base64url") }, transports: ["websocket"], reconnection: false, forceNew: true });
  return new Promise((ok, fail) => {
    socket.once("connect", () => ok(socket));
    socket.once("connect_error", (error) => fail(error));
  });
}

async function connectAll(urls: string[], count: number): Promise<void> {
  // A few at a time: thousands of simultaneous handshakes measure the handshake, not the chat.
  const batch = 50;
  for (let i = 0; i < count; i += batch) {
    const size = Math.min(batch, count - i);
    sockets.push(...(await Promise.all(Array.from({ length: size }, (_, k) => connectOne(urls[(i + k) % urls.length] as string)))));
  }
}

const clientId = (tag: string) => `${prefix}-${tag}-${(++counter).toString(36).padStart(6, "0")}`;

async function warmup(): Promise<void> {
  // The first message of a visitor opens a conversation; the measured messages are ordinary ones.
  const batch = 50;
  for (let i = 0; i < sockets.length; i += batch) {
    await Promise.all(
      sockets.slice(i, i + batch).map(async (socket) => {
        const ack = (await socket.timeout(30_000).emitWithAck("message:send", { clientId: clientId("warm"), body: "hello" })) as { ok: boolean };
        if (!ack.ok) throw new Error(`warm-up message refused: ${JSON.stringify(ack)}`);
      }),
    );
  }
}

interface Run {
  rate: number;
  visitors: number;
  startAt: number;
  durationMs: number;
  tag: string;
}

function run({ rate, visitors, startAt, durationMs, tag }: Run): Promise<{ sends: [string, number][]; lags: number[]; failedAcks: number }> {
  const total = Math.round((rate * durationMs) / 1000);
  const used = sockets.slice(0, visitors);
  const sends: [string, number][] = [];
  const lags: number[] = [];
  let failedAcks = 0;
  let pendingAcks = 0;
  let next = 0;
  return new Promise((done) => {
    const finish = () => {
      if (next >= total && pendingAcks === 0) done({ sends, lags, failedAcks });
    };
    const tick = () => {
      const t = now();
      // Everything due by now goes out, even if the timer fired late (that lateness is the lag).
      while (next < total && startAt + (next * 1000) / rate <= t) {
        const scheduled = startAt + (next * 1000) / rate;
        const socket = used[next % used.length] as Socket;
        const id = clientId(tag);
        lags.push(now() - scheduled);
        sends.push([id, scheduled]);
        pendingAcks++;
        socket
          .timeout(10_000)
          .emitWithAck("message:send", { clientId: id, body: `bench ${id}` })
          .then((ack: { ok: boolean }) => {
            if (!ack.ok) failedAcks++;
          })
          .catch(() => {
            failedAcks++;
          })
          .finally(() => {
            pendingAcks--;
            finish();
          });
        next++;
      }
      if (next < total) setTimeout(tick, Math.max(0, startAt + (next * 1000) / rate - now()));
      else finish();
    };
    setTimeout(tick, Math.max(0, startAt - now()));
  });
}

port.on("message", (message: { type: string } & Record<string, unknown>) => {
  const reply = (answer: unknown) => port.postMessage(answer);
  const fail = (error: unknown) => reply({ type: "error", message: error instanceof Error ? error.message : String(error) });
  if (message.type === "connect") {
    prefix = String(message.prefix);
    connectAll(message.urls as string[], Number(message.count))
      .then(() => reply({ type: "connected", count: sockets.length }))
      .catch(fail);
  } else if (message.type === "warmup") {
    warmup()
      .then(() => reply({ type: "warm" }))
      .catch(fail);
  } else if (message.type === "run") {
    run(message as unknown as Run)
      .then((result) => reply({ type: "sent", ...result }))
      .catch(fail);
  } else if (message.type === "close") {
    for (const socket of sockets) socket.close();
    sockets = [];
    reply({ type: "closed" });
  }
});
