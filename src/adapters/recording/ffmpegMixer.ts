import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { RecordingMixer } from "../../domain/calls/recordings.ts";

const run = promisify(execFile);

/** The ffmpeg on PATH as a mixer, or undefined when there is none: recordings then stay per side. */
export async function findFfmpegMixer(binary = "ffmpeg"): Promise<RecordingMixer | undefined> {
  try {
    await run(binary, ["-hide_banner", "-version"], { timeout: 10_000 });
  } catch {
    return undefined;
  }
  return {
    async mix(inputs, outputPath) {
      // Each side is delayed by when its first packet arrived, then the voices are summed (amix
      // would halve each one's loudness; normalize=0 keeps them as recorded). The mix is audio:
      // the per-side files keep any video.
      const delays = inputs.map((input, i) => `[${i}:a]adelay=${Math.max(0, Math.round(input.offsetMs))}:all=1[a${i}]`);
      const mix = `${inputs.map((_, i) => `[a${i}]`).join("")}amix=inputs=${inputs.length}:duration=longest:normalize=0[out]`;
      await run(
        binary,
        ["-hide_banner", "-loglevel", "error", "-y", ...inputs.flatMap((input) => ["-i", input.path]), "-filter_complex", [...delays, mix].join(";"), "-map", "[out]", "-c:a", "libopus", "-b:a", "48k", outputPath],
        { timeout: 30 * 60_000 },
      );
    },
  };
}
