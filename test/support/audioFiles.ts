import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

// Recorded audio for the recording tests, made and measured with ffmpeg (see ffmpegAvailable).

const run = promisify(execFile);

/** A real Opus WebM of `seconds` of tone, as a recorder would hand over. */
export async function toneFile(seconds: number): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), "destek-tone-")), "side.webm");
  await run("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", `sine=frequency=440:duration=${seconds}`, "-c:a", "libopus", path]);
  return path;
}

/** How long a media file plays, in ms, as ffprobe reads it. */
export async function durationMs(path: string): Promise<number> {
  const { stdout } = await run("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path]);
  return Number(stdout) * 1000;
}

/** Every stretch of silence in a file longer than 0.2 s, in ms; silence is below `noiseDb` (ffmpeg's silencedetect). */
export async function silencesMs(path: string, noiseDb: number): Promise<number[]> {
  const { stderr } = await run("ffmpeg", ["-hide_banner", "-i", path, "-af", `silencedetect=noise=${noiseDb}dB:d=0.2`, "-f", "null", "-"]);
  return [...stderr.matchAll(/silence_duration: ([\d.]+)/g)].map((m) => Number(m[1]) * 1000);
}
