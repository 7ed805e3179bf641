// How many recorded calls one destek process carries. Each call is real: a visitor socket starts it
// (agreeing to the recording), the agent's socket accepts it, and each side opens its recorder leg
// to the server with `call:record`, as the widget and the console do. The sides are werift peers
// playing a file (Opus tone; with --video also 640×360 VP8) into their leg, as a browser would send
// its microphone. Calls are added in steps; after each step the server's CPU is measured over a
// window. At the end every call hangs up, and the packets in each written file are counted with
// ffprobe against the packets its sender sent: the loss in the files.
//   npm run bench -- recording [--step 5] [--max 60] [--window 10] [--video]
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { io, type Socket } from "socket.io-client";
import { RTCPeerConnection, RTCRtpCodecParameters, type RTCRtpSender } from "werift";
import { getUserMedia } from "werift/nonstandard";
import type { Ack } from "../src/protocol/chat.ts";
import { RECORDING_CONSENT_VERSION } from "../src/protocol/consent.ts";
import { type BenchServer, startDestekNode } from "./support/nodes.ts";
import { machine, markdownTable, saveResult } from "./support/report.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { step: { type: "string", default: "5" }, max: { type: "string", default: "60" }, window: { type: "string", default: "10" }, video: { type: "boolean", default: false } },
});
const step = Number(values.step);
const maxCalls = Number(values.max);
const windowS = Number(values.window);
const video = values.video;
const TARGET_CALLS = 40;
const LOSS_LIMIT = 0.01;
/** One core: the server's JavaScript runs on one thread, so that is where it saturates. */
const SATURATED_CPU = 0.95;

const unwrap = <T>(what: string, ack: Ack<T>): T => {
  if (!ack.ok) throw new Error(`${what} refused: ${ack.error.id} ${ack.error.message}`);
  return ack.data;
};

// The media each side plays, made once with ffmpeg: a 440 Hz tone (Opus), and a test pattern (VP8).
const mediaDir = mkdtempSync(join(tmpdir(), "destek-bench-media-"));
const source = join(mediaDir, "side.webm");
execFileSync("ffmpeg", [
  "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=20",
  ...(video ? ["-f", "lavfi", "-i", "testsrc=size=640x360:rate=30:duration=20", "-c:v", "libvpx", "-b:v", "500k", "-deadline", "realtime", "-g", "60"] : []),
  "-c:a", "libopus", "-ac", "2", "-b:a", "32k", "-frame_duration", "20", source,
]);

const loopbackOnly = {
  iceAdditionalHostAddresses: ["127.0.0.1"],
  iceUseIpv6: false,
  iceServers: [],
  iceFilterCandidatePair: (pair: { remoteCandidate: { host: string }; localCandidate: { host: string } }) =>
    pair.remoteCandidate.host === "127.0.0.1" && pair.localCandidate.host === "127.0.0.1",
  codecs: {
    audio: [new RTCRtpCodecParameters({ mimeType: "audio/opus", clockRate: 48000, channels: 2 })],
    video: [new RTCRtpCodecParameters({ mimeType: "video/VP8", clockRate: 90000, rtcpFeedback: [{ type: "nack" }, { type: "nack", parameter: "pli" }] })],
  },
};

interface Leg {
  pc: RTCPeerConnection;
  senders: RTCRtpSender[];
  stop: () => void;
}

/** A side's recorder leg: a send-only werift peer playing the file, offered to the server over `call:record`. */
async function openLeg(socket: Socket, callId: string): Promise<Leg> {
  const pc = new RTCPeerConnection(loopbackOnly);
  const player = await getUserMedia({ path: source, loop: true });
  const senders: RTCRtpSender[] = [];
  for (const track of [player.audio, video ? player.video : undefined]) if (track) senders.push(pc.addTransceiver(track, { direction: "sendonly" }).sender);
  const connected = new Promise<void>((resolve, reject) => {
    pc.connectionStateChange.subscribe((state) => {
      if (state === "connected") resolve();
      if (state === "failed") reject(new Error("a recorder leg failed to connect"));
    });
  });
  await pc.setLocalDescription(await pc.createOffer());
  const { sdp } = unwrap("call:record", (await socket.timeout(30_000).emitWithAck("call:record", { callId, sdp: pc.localDescription?.sdp })) as Ack<{ sdp: string }>);
  await pc.setRemoteDescription({ type: "answer", sdp });
  await connected;
  await player.start();
  return { pc, senders, stop: () => player.stop() };
}

interface Call {
  id: string;
  visitor: Socket;
  legs: Leg[];
}

function connect(url: string, auth: Record<string, string>): Promise<Socket> {
  const socket = io(url, { auth, transports: ["websocket"] });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

async function startCall(node: BenchServer, agent: Socket): Promise<Call> {
  const visitor = await connect(`http://127.0.0.1:${node.port}/visitor`, { visitorToken: randomBytes(32).toString("base64url") });
  const consent = { mode: video ? "audio+video" : "audio", version: RECORDING_CONSENT_VERSION };
  const { call } = unwrap("call:start", (await visitor.timeout(30_000).emitWithAck("call:start", { media: video ? "video" : "audio", consent })) as Ack<{ call: { id: string } }>);
  unwrap("call:accept", (await agent.timeout(30_000).emitWithAck("call:accept", { callId: call.id })) as Ack<unknown>);
  const legs = await Promise.all([openLeg(visitor, call.id), openLeg(agent, call.id)]);
  return { id: call.id, visitor, legs };
}

/** CPU seconds the process has used so far (user + system), from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
const ownCpu = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};

interface StepRow {
  calls: number;
  serverCpu: number;
  generatorCpu: number;
}

const node = await startDestekNode("destek, SQLite, recording", {
  RECORDING: video ? "audio+video" : "audio",
  PRECHAT_FIELDS: "name:off,email:off,phone:off",
  CALL_DAILY_LIMIT: "100000",
  CALL_VISITOR_DAILY_LIMIT: "1000",
  CALL_AGENT_DAILY_LIMIT: "1000",
  RECORDING_ICE_ADDRESSES: "127.0.0.1",
});
// An agent takes one call at a time: each call gets an agent (and console socket) of its own.
const agentSockets: Socket[] = [];
const calls: Call[] = [];
const steps: StepRow[] = [];
let stopReason = `reached --max ${maxCalls}`;
try {
  while (calls.length < maxCalls) {
    for (let i = 0; i < step && calls.length < maxCalls; i++) {
      const agent = await connect(`http://127.0.0.1:${node.port}/agent`, { token: await node.newAgent() });
      agentSockets.push(agent);
      calls.push(await startCall(node, agent));
    }
    const [server0, own0, at0] = [cpuSeconds(node.pid), ownCpu(), performance.now()];
    await new Promise((resolve) => setTimeout(resolve, windowS * 1000));
    const seconds = (performance.now() - at0) / 1000;
    const row = { calls: calls.length, serverCpu: (cpuSeconds(node.pid) - server0) / seconds, generatorCpu: (ownCpu() - own0) / seconds };
    steps.push(row);
    console.log(`${row.calls} calls: server ${(row.serverCpu * 100).toFixed(0)}% of a core, generator ${(row.generatorCpu * 100).toFixed(0)}%`);
    if (row.serverCpu >= SATURATED_CPU) {
      stopReason = `the server's CPU reached ${(row.serverCpu * 100).toFixed(0)}% of a core`;
      break;
    }
  }
} catch (error) {
  stopReason = `a call could not be added: ${error instanceof Error ? error.message : String(error)}`;
}

// Hang up; each leg's file is finalized; then compare what was written with what was sent.
const sent = new Map<string, number>();
for (const call of calls) {
  for (const [index, leg] of call.legs.entries()) {
    leg.stop();
    sent.set(`${call.id}:${index === 0 ? "caller" : "agent"}`, leg.senders.reduce((sum, s) => sum + (s as unknown as { packetCount: number }).packetCount, 0));
  }
  await call.visitor.timeout(30_000).emitWithAck("call:hangup", { callId: call.id }).catch(() => undefined);
}
const recordings = await waitForRecordings(node, calls.length * 2);
let worstLoss = 0;
let totalSent = 0;
let totalWritten = 0;
for (const recording of recordings) {
  const written = countPackets(recording.path);
  const expected = sent.get(`${recording.callId}:${recording.role}`) ?? 0;
  totalSent += expected;
  totalWritten += written;
  if (expected > 0) worstLoss = Math.max(worstLoss, Math.max(0, 1 - written / expected));
}
for (const socket of [...agentSockets, ...calls.map((c) => c.visitor)]) socket.close();
for (const call of calls) for (const leg of call.legs) await leg.pc.close();
await node.stop();
rmSync(mediaDir, { recursive: true, force: true });

const saturated = steps.some((s) => s.serverCpu >= SATURATED_CPU);
const carried = Math.max(0, ...steps.filter((s) => s.serverCpu < SATURATED_CPU).map((s) => s.calls));
const last = steps.at(-1);
const overallLoss = totalSent > 0 ? 1 - totalWritten / totalSent : Number.NaN;
const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
const body = [
  `${video ? "Audio + 640×360 VP8 video" : "Audio (Opus)"} calls, both sides recorded, added ${step} at a time; server CPU measured over ${windowS} s after each step. The werift peers that play the sides run in the benchmark's process on the same machine; their CPU is shown beside the server's. Stopped because ${stopReason}.`,
  "",
  markdownTable(
    ["calls", "server CPU (one core = 100%)", "server CPU per call", "generator CPU"],
    steps.map((s) => [s.calls, `${(s.serverCpu * 100).toFixed(0)}%`, `${((s.serverCpu / s.calls) * 100).toFixed(1)}%`, `${(s.generatorCpu * 100).toFixed(0)}%`]),
  ),
  "",
  markdownTable(
    ["figure", "value", "target"],
    [
      [
        "calls carried below saturation",
        saturated ? carried : `${carried} and more (not saturated)`,
        `≥ ${TARGET_CALLS}: ${carried >= TARGET_CALLS ? "met" : saturated ? "**missed**" : "not reached by this run"}`,
      ],
      ["packets lost in the files, all legs", `${percent(overallLoss)} (${totalWritten} of ${totalSent})`, `< 1%: ${overallLoss < LOSS_LIMIT ? "met" : "**missed**"}`],
      ["worst leg's loss", percent(worstLoss), "–"],
      ["recordings written", `${recordings.length} of ${calls.length * 2}`, "–"],
      ["server CPU per call at the last step", last ? `${((last.serverCpu / last.calls) * 100).toFixed(1)}% of a core` : "–", "LiveKit Egress budgets 50% per track"],
    ],
  ),
].join("\n");
saveResult({ name: "recording", title: `Recording capacity${video ? " (video)" : ""}`, command: `npm run bench -- recording ${process.argv.slice(2).join(" ")}`.trim(), date: new Date().toISOString().slice(0, 10), machine: machine(), body });
process.exit(0);

/** Waits until the server has stored every leg's file; returns where each is. */
async function waitForRecordings(server: BenchServer, count: number): Promise<Array<{ callId: string; role: string; path: string }>> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const rows = await server.recordings();
    if (rows.length >= count || Date.now() > deadline) return rows;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Packets ffprobe reads from a file, all streams. */
function countPackets(path: string): number {
  const out = execFileSync("ffprobe", ["-v", "error", "-count_packets", "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", path], { encoding: "utf8" });
  return out.split("\n").filter(Boolean).reduce((sum, line) => sum + Number(line), 0);
}
