import { randomBytes } from "node:crypto";
import { mkdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import { type MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters } from "werift";
import type { CallRecorder, FinishedRecording, RecordedRole } from "../../domain/calls/recordings.ts";
import { removeLegNote, writeLegNote } from "./recordingSalvage.ts";
import { WebmFile } from "./webmFile.ts";

// The server end of each recording leg: a receive-only werift peer per call participant, writing
// what arrives to WebM (Opus, plus VP8 in audio+video mode). A side is finalized when the call
// ends, when its connection fails or closes, or when its media stops for IDLE_MS (the tab closed or
// the network vanished): werift then writes the duration and sizes, so the file is valid WebM.

export interface WeriftRecorderOptions {
  /** Where files are written while recording, before they move into storage. */
  workDir: string;
  /** Extra host addresses to announce (a public IP behind NAT; 127.0.0.1 on one machine). */
  announcedAddresses: string[];
  udpPorts: [number, number] | undefined;
  log: Logger;
  /** Receives each finalized side exactly once. */
  onFinished: (file: FinishedRecording) => Promise<void>;
  idleMs?: number;
}

const IDLE_MS = 10_000;
/** A leg that never gets a packet is given up after this long. */
const NO_MEDIA_MS = 30_000;

const OPUS = new RTCRtpCodecParameters({ mimeType: "audio/opus", clockRate: 48000, channels: 2 });
const VP8 = new RTCRtpCodecParameters({
  mimeType: "video/VP8",
  clockRate: 90000,
  rtcpFeedback: [{ type: "nack" }, { type: "nack", parameter: "pli" }, { type: "goog-remb" }],
});

class RecordingLeg {
  readonly openedAt = Date.now();
  firstPacketAt: number | null = null;
  lastPacketAt = 0;
  sawVideo = false;
  finished: Promise<void> | null = null;
  readonly tracks: MediaStreamTrack[] = [];
  file: Promise<WebmFile> | null = null;

  constructor(
    readonly callId: string,
    readonly role: RecordedRole,
    readonly path: string,
    readonly pc: RTCPeerConnection,
    /** How many tracks the file holds: audio, and video in audio+video mode. */
    readonly trackCount: number,
  ) {}
}

export function createWeriftRecorder(options: WeriftRecorderOptions): CallRecorder {
  const legs = new Map<string, RecordingLeg>();
  const idleMs = options.idleMs ?? IDLE_MS;
  const log = options.log;

  const finish = (leg: RecordingLeg, why: string): Promise<void> => {
    leg.finished ??= (async () => {
      legs.delete(`${leg.callId}:${leg.role}`);
      let written: WebmFile | undefined;
      try {
        written = (await leg.file) ?? undefined;
        await written?.stop();
      } catch (err) {
        log.warn({ err, callId: leg.callId, role: leg.role }, "recorder did not stop cleanly");
      }
      await leg.pc.close().catch(() => undefined);
      if (leg.firstPacketAt === null || !leg.file) {
        await rm(leg.path, { force: true });
        await removeLegNote(leg.path);
        log.info({ callId: leg.callId, role: leg.role, why }, "recording leg closed without media");
        return;
      }
      const file: FinishedRecording = {
        callId: leg.callId,
        role: leg.role,
        path: leg.path,
        mime: leg.sawVideo ? "video/webm" : "audio/webm",
        size: (await stat(leg.path)).size,
        startedAt: leg.firstPacketAt,
        durationMs: written?.durationMs || leg.lastPacketAt - leg.firstPacketAt,
      };
      log.info({ callId: leg.callId, role: leg.role, why, size: file.size, durationMs: file.durationMs }, "recording finished");
      // Stored: its note goes too. Not stored: file and note stay, and the salvage job tries again later.
      await options.onFinished(file).then(
        () => removeLegNote(leg.path),
        (err: unknown) => log.error({ err, callId: leg.callId, path: leg.path }, "storing a recording failed"),
      );
    })();
    return leg.finished;
  };
  /** Ends a leg from an event or timer, where nobody awaits: a failure is logged, never unhandled. */
  const finishInBackground = (leg: RecordingLeg, why: string): void => {
    finish(leg, why).catch((err: unknown) => log.error({ err, callId: leg.callId, role: leg.role, why }, "finishing a recording leg failed"));
  };

  // Media that stops without a goodbye (tab closed, network gone) still ends the file.
  const watchdog = setInterval(() => {
    const now = Date.now();
    for (const leg of legs.values()) {
      if (leg.firstPacketAt !== null ? now - leg.lastPacketAt > idleMs : now - leg.openedAt > NO_MEDIA_MS) finishInBackground(leg, "media stopped");
    }
  }, 1000);
  watchdog.unref();

  return {
    async record({ callId, role, mode, offerSdp, iceServers }) {
      const key = `${callId}:${role}`;
      const previous = legs.get(key);
      if (previous) await finish(previous, "replaced by a new leg");
      await mkdir(options.workDir, { recursive: true });
      const path = join(options.workDir, `${randomBytes(12).toString("hex")}.webm`);
      const withVideo = mode === "audio+video" && /^m=video /m.test(offerSdp);
      const pc = new RTCPeerConnection({
        // Only what is configured: werift would otherwise ask Google's STUN server.
        iceServers: iceServers.flatMap((s) => s.urls.map((urls) => ({ urls, username: s.username, credential: s.credential }))),
        iceUseIpv6: false,
        iceAdditionalHostAddresses: options.announcedAddresses,
        icePortRange: options.udpPorts,
        codecs: { audio: [OPUS], ...(withVideo ? { video: [VP8] } : {}) },
      });
      const leg = new RecordingLeg(callId, role, path, pc, withVideo ? 2 : 1);
      legs.set(key, leg);
      // If this process is killed mid-call, the note lets the next start salvage what was recorded.
      await writeLegNote(path, { callId, role, openedAt: leg.openedAt });
      pc.connectionStateChange.subscribe((state) => {
        log.debug({ callId, role, state, afterMs: Date.now() - leg.openedAt }, "recording leg connection");
        if (state === "failed" || state === "closed") finishInBackground(leg, `connection ${state}`);
      });
      pc.onTrack.subscribe((track: MediaStreamTrack) => {
        track.onReceiveRtp.subscribe(() => {
          const now = Date.now();
          if (leg.firstPacketAt === null) log.debug({ callId, role, afterMs: now - leg.openedAt }, "recording leg first packet");
          leg.firstPacketAt ??= now;
          // A camera that starts (or restarts) must begin with a key frame, or the video starts grey.
          if (track.kind === "video" && now - leg.lastPacketAt > 1000 && track.ssrc) {
            const transceiver = pc.getTransceivers().find((t) => t.receiver.track === track);
            transceiver?.receiver.sendRtcpPLI(track.ssrc).catch((err: unknown) => log.warn({ err, callId, role }, "asking for a key frame failed"));
          }
          if (track.kind === "video") leg.sawVideo = true;
          leg.lastPacketAt = now;
        });
        leg.tracks.push(track);
        if (leg.tracks.length === leg.trackCount) leg.file = WebmFile.create(path, leg.tracks);
      });
      try {
        await pc.setRemoteDescription({ type: "offer", sdp: offerSdp });
        await pc.setLocalDescription(await pc.createAnswer());
      } catch (err) {
        await finish(leg, "negotiation failed");
        throw err;
      }
      log.info({ callId, role, mode: withVideo ? "audio+video" : "audio" }, "recording leg opened");
      return pc.localDescription?.sdp ?? "";
    },

    async finishCall(callId) {
      await Promise.all([...legs.values()].filter((leg) => leg.callId === callId).map((leg) => finish(leg, "call ended")));
    },

    async close() {
      clearInterval(watchdog);
      await Promise.all([...legs.values()].map((leg) => finish(leg, "server stopping")));
    },
  };
}
