import { unlink } from "node:fs/promises";
import type { MediaStreamTrack, RtpPacket } from "werift";
import {
  DepacketizeCallback,
  JitterBufferCallback,
  LipsyncCallback,
  RtpSourceCallback,
  saveToFileSystem,
  WebmCallback,
} from "werift/nonstandard";

// One WebM file from the received tracks of a werift peer: Opus audio, plus VP8 video when the
// side may send it. This is werift's MediaRecorder pipeline (RTP -> jitter buffer -> clock ->
// depacketizer -> WebM) with repairs. werift never finalizes a file whose
// video track got no key frame (a camera that stayed off), leaving a 24-hour duration in the
// header. Here stop() always finalizes, so every file ends with its real duration and sizes.
// And the timeline comes from packet arrival, not from RTCP sender reports: browsers send those
// for audio only every few seconds, and werift holds (then drops) all audio until the first one.
// And the lip-sync stage, which interleaves the tracks in time order, is flushed at the end rather
// than dropping the last half second it holds.

type Timed = { rtp: RtpPacket; time: number } | { eol: true };

/**
 * Places each packet on the file's timeline: the arrival time of the track's first packet, plus
 * the RTP clock since then (unwrapped across 32-bit rollover). Tracks that start late (a camera
 * turned on mid-call) land where they started.
 */
class ArrivalClock {
  private output: (timed: Timed) => void = () => {};
  private last: number | null = null;
  private ticks = 0;
  private startMs = 0;
  private lastTime = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly clockRate: number,
    private readonly origin: number,
    private readonly audio: boolean,
    /** Told each frame's place on the file's timeline (ms since the file's origin). */
    private readonly onTime: (time: number) => void,
  ) {}

  pipe(output: (timed: Timed) => void): void {
    this.output = output;
  }

  readonly input = (input: { rtp?: RtpPacket; eol?: boolean }): void => {
    if (input.eol) {
      this.output({ eol: true });
      return;
    }
    if (!input.rtp) return;
    const timestamp = input.rtp.header.timestamp;
    // An audio packet is one Opus frame: a second packet with the same timestamp is a duplicate
    // (a retransmission), and writing it would give two blocks one time.
    if (this.audio && timestamp === this.last) return;
    if (this.last === null) this.startMs = Date.now() - this.origin;
    else this.ticks += ((timestamp - this.last + 2 ** 31) % 2 ** 32 + 2 ** 32) % 2 ** 32 - 2 ** 31;
    // Each new frame lands strictly after the previous one (a WebM track's block times must
    // increase); packets of one frame share its time.
    const time = Math.round(this.startMs + (this.ticks * 1000) / this.clockRate);
    if (timestamp !== this.last) {
      this.lastTime = Math.max(time, this.lastTime + 1);
      this.onTime(this.lastTime);
    }
    this.last = timestamp;
    this.output({ rtp: input.rtp, time: this.lastTime });
  };
}

const FINALIZE_WAIT_MS = 5_000;

export class WebmFile {
  private readonly webm: WebmCallback;
  private readonly lipsync = new LipsyncCallback({ syncInterval: 200, bufferLength: 10 });
  private readonly sources: RtpSourceCallback[] = [];
  private readonly finalized: Promise<void>;
  private firstTime = Number.POSITIVE_INFINITY;
  private lastTime = Number.NEGATIVE_INFINITY;

  constructor(
    readonly path: string,
    tracks: MediaStreamTrack[],
  ) {
    const inputs = tracks.map((track, index) => ({
      track,
      kind: track.kind as "audio" | "video",
      codec: track.kind === "video" ? ("VP8" as const) : ("OPUS" as const),
      clockRate: track.kind === "video" ? 90000 : 48000,
      trackNumber: index + 1,
      ...(track.kind === "video" ? { width: 1280, height: 720 } : {}),
    }));
    // The duration is written for real when the file is finalized.
    this.webm = new WebmCallback(inputs, { duration: 24 * 60 * 60 * 1000 });
    const origin = Date.now();
    for (const input of inputs) {
      const rtp = new RtpSourceCallback();
      input.track.onReceiveRtp.subscribe((packet) => rtp.input(packet.clone()));
      const time = new ArrivalClock(input.clockRate, origin, input.kind === "audio", (at) => {
        this.firstTime = Math.min(this.firstTime, at);
        this.lastTime = Math.max(this.lastTime, at);
      });
      if (input.kind === "video") {
        const jitter = new JitterBufferCallback(input.clockRate, {});
        const depacketizer = new DepacketizeCallback("VP8", { isFinalPacketInSequence: (header) => header.marker });
        rtp.pipe(jitter.input);
        jitter.pipe(time.input);
        time.pipe(depacketizer.input);
        depacketizer.pipe(this.lipsync.inputVideo);
        this.lipsync.pipeVideo(this.webm.inputVideo);
      } else {
        const depacketizer = new DepacketizeCallback("OPUS");
        rtp.pipe(time.input);
        time.pipe(depacketizer.input);
        depacketizer.pipe(this.lipsync.inputAudio);
        this.lipsync.pipeAudio(this.webm.inputAudio);
      }
      this.sources.push(rtp);
    }
    const save = saveToFileSystem(path);
    this.finalized = new Promise<void>((resolve) => {
      this.webm.pipe(async (output) => {
        if (await save(output)) resolve();
      });
    });
  }

  /**
   * The span of the file's timeline, first frame to last, as written into its header: the
   * recording's duration. It is not the span of packet arrivals, which a loaded event loop
   * stretches or squeezes (packets held back at the start arrive in a burst).
   */
  get durationMs(): number {
    return this.lastTime >= this.firstTime ? this.lastTime - this.firstTime : 0;
  }

  static async create(path: string, tracks: MediaStreamTrack[]): Promise<WebmFile> {
    await unlink(path).catch(() => undefined);
    return new WebmFile(path, tracks);
  }

  /** Ends the file: buffered frames are flushed, then duration, cues and sizes are written. */
  async stop(): Promise<void> {
    // werift keeps this step private; each call writes out one slot of the ring, oldest first.
    const held = this.lipsync as unknown as { executeTask(): void; bufferLength: number; baseTime?: number };
    if (held.baseTime !== undefined) for (let slot = 0; slot < held.bufferLength; slot++) held.executeTask();
    for (const source of this.sources) source.stop();
    if (!this.webm.stopped) this.webm.stop();
    await Promise.race([this.finalized, new Promise((resolve) => setTimeout(resolve, FINALIZE_WAIT_MS).unref())]);
  }
}
