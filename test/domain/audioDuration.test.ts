import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { audioDurationMs } from "../../src/domain/chat/audioDuration.ts";

/** A real file made by ffmpeg: a tone of `seconds`, encoded as `codec` in `format`, written to a pipe or a seekable file. */
function encode(seconds: number, codec: string, format: string, options: { pipe?: boolean } = {}): Buffer {
  const args = ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", `sine=frequency=440:duration=${seconds}`, "-c:a", codec];
  if (format === "webm" && options.pipe) args.push("-live", "1");
  // A pipe cannot be rewound: the muxer writes no duration and unknown sizes, as a browser's MediaRecorder does.
  const out = execFileSync("ffmpeg", [...args, "-f", format, "pipe:1"], { maxBuffer: 20 * 1024 * 1024 });
  return out;
}

/** What ffprobe says of the same bytes, decoding them to the end. */
function probeMs(data: Buffer, extension: string): number {
  const dir = mkdtempSync(join(tmpdir(), "destek-probe-"));
  try {
    const file = join(dir, `sample.${extension}`);
    writeFileSync(file, data);
    const out = execFileSync("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", file]).toString();
    return Number.parseFloat(out) * 1000;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("the length of a voice note, read from its container", () => {
  it("WebM written live (no Duration, unknown-size segment and clusters), as browsers record", () => {
    const data = encode(2.5, "libopus", "webm", { pipe: true });
    // The segment's size is "unknown", as in a browser's recording.
    expect(data.includes(Buffer.from([0x18, 0x53, 0x80, 0x67, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))).toBe(true);
    expect(audioDurationMs(data)).toBeGreaterThanOrEqual(2400);
    expect(audioDurationMs(data)).toBeLessThanOrEqual(2520);
  });

  it("WebM of several clusters: 40 s", () => {
    const ms = audioDurationMs(encode(40, "libopus", "webm", { pipe: true }));
    expect(ms).toBeGreaterThanOrEqual(39_900);
    expect(ms).toBeLessThanOrEqual(40_020);
  });

  it("Ogg Opus and Ogg Vorbis agree with ffprobe within a frame", () => {
    for (const codec of ["libopus", "libvorbis"]) {
      const data = encode(3.2, codec, "ogg");
      const ms = audioDurationMs(data);
      expect(ms, codec).not.toBeNull();
      expect(Math.abs((ms ?? 0) - probeMs(data, "ogg")), codec).toBeLessThanOrEqual(25);
      expect(Math.abs((ms ?? 0) - 3200), codec).toBeLessThanOrEqual(25);
    }
  });

  it("knows nothing of other containers, and of cut or hostile bytes", () => {
    expect(audioDurationMs(encode(1, "pcm_s16le", "wav"))).toBeNull();
    expect(audioDurationMs(Buffer.alloc(0))).toBeNull();
    expect(audioDurationMs(Buffer.from("OggS"))).toBeNull();
    const webm = encode(2, "libopus", "webm", { pipe: true });
    // Only the header and a little audio arrived: whatever it says is at most what is there.
    expect(audioDurationMs(webm.subarray(0, 300)) ?? 0).toBeLessThan(2000);
    for (let i = 0; i < 200; i++) {
      const noisy = Buffer.from(webm);
      for (let j = 0; j < 20; j++) noisy[Math.floor(Math.random() * noisy.length)] = Math.floor(Math.random() * 256);
      const ms = audioDurationMs(noisy);
      expect(ms === null || (ms > 0 && ms <= 24 * 3600 * 1000)).toBe(true);
    }
  });
});
