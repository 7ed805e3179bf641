import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

// Headless Chromium plays no audio at all, so proving a call is *heard* needs headed Chromium on a
// virtual display (Xvfb) playing into a PulseAudio null sink, whose monitor we record with parec.
// See shared/recipes/heard-audio.md. Each run starts a PulseAudio of its own on a private socket
// (PULSE_SERVER), so nothing else playing on the machine is counted.

const run = promisify(execFile);
const TOOLS = ["/usr/bin/Xvfb", "/usr/bin/pulseaudio", "/usr/bin/pactl", "/usr/bin/parec"];
const SINK = "destek_test";

/**
 * Whether the headed audio tests can run. Skipped on a developer's machine without them; in CI a
 * missing tool is an error, never a silent skip.
 */
export function headedAudioAvailable(): boolean {
  const missing = TOOLS.filter((tool) => !existsSync(tool));
  if (missing.length > 0 && process.env.CI) {
    throw new Error(`CI needs ${missing.join(", ")} (apt-get install xvfb pulseaudio pulseaudio-utils xauth) for the headed audio test`);
  }
  return missing.length === 0;
}

/** Loudness (RMS of 16-bit samples) of a second of silence stays under this; a heard beep is far above HEARD. */
export const SILENT = 50;
export const HEARD = 1000;
/** How long a listening test waits for a beep or for silence. */
export const LISTEN_DEADLINE = { timeoutMs: 45_000 };

/** The loudness once the sink plays a heard beep (or when LISTEN_DEADLINE passes): the caller asserts on it. */
export const waitForHeard = (sink: AudioSink) => sink.waitForLoudness((rms) => rms > HEARD, LISTEN_DEADLINE);
/** The loudness once the sink is silent (or when LISTEN_DEADLINE passes): the caller asserts on it. */
export const waitForSilence = (sink: AudioSink) => sink.waitForLoudness((rms) => rms < SILENT, LISTEN_DEADLINE);

export interface AudioSink {
  /** What headed Chromium needs in its environment: the display and this sink as its speaker. */
  env: NodeJS.ProcessEnv;
  /** RMS (16-bit) of what was played into the sink during the next `ms`. */
  loudness(ms?: number): Promise<number>;
  /**
   * Records windows of `windowMs` until one satisfies `test` or `timeoutMs` passes; returns the
   * last window's loudness either way (the caller asserts on it). `stop` ends it early.
   */
  waitForLoudness(test: (rms: number) => boolean, options?: { windowMs?: number; timeoutMs?: number; stop?: () => boolean }): Promise<number>;
  close(): Promise<void>;
}

async function until(condition: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** An Xvfb on a display number it picks itself (`-displayfd`), so parallel runs never collide. */
async function startXvfb(): Promise<{ display: string; child: ChildProcess }> {
  const child = spawn("Xvfb", ["-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp"], {
    stdio: ["ignore", "ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk;
  });
  const display = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdio[3]?.on("data", (chunk: Buffer) => {
      out += chunk;
      if (out.includes("\n")) resolve(`:${out.trim()}`);
    });
    child.once("exit", (code) => reject(new Error(`Xvfb exited (${code}): ${stderr}`)));
    child.once("error", reject);
  });
  return { display, child };
}

/**
 * A PulseAudio server of this test's own, on a private socket, whose only sink is a null sink: no
 * other program (nor another test's browser) plays into it, and a PulseAudio the machine already
 * runs is left alone. As root it warns that it is meant for system mode, then works.
 */
async function startPulse(dir: string): Promise<{ server: string; child: ChildProcess }> {
  const server = `unix:${join(dir, "native")}`;
  const child = spawn(
    "pulseaudio",
    [
      "--daemonize=no",
      "--use-pid-file=no",
      "--exit-idle-time=-1",
      "--disallow-exit",
      "-n",
      `--load=module-native-protocol-unix auth-anonymous=1 socket=${join(dir, "native")}`,
      `--load=module-null-sink sink_name=${SINK}`,
      "--log-target=stderr",
    ],
    { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, PULSE_RUNTIME_PATH: dir, PULSE_STATE_PATH: dir } },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk;
  });
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });
  const up = () =>
    run("pactl", ["--server", server, "info"], { timeout: 5000 }).then(
      () => true,
      () => false,
    );
  await until(async () => exited || (await up()), 20_000, "PulseAudio to start");
  if (exited) throw new Error(`PulseAudio did not start: ${stderr}`);
  return { server, child };
}

function rms(pcm: Buffer): number {
  let sum = 0;
  for (let i = 0; i + 1 < pcm.length; i += 2) sum += pcm.readInt16LE(i) ** 2;
  return Math.sqrt(sum / Math.max(1, pcm.length / 2));
}

/** A virtual display and a PulseAudio null sink of this test's own, for headed Chromium whose playback we record. */
export async function startAudioSink(): Promise<AudioSink> {
  const dir = mkdtempSync(join(tmpdir(), "destek-pulse-"));
  const xvfb = await startXvfb();
  let pulse: Awaited<ReturnType<typeof startPulse>>;
  try {
    pulse = await startPulse(dir);
  } catch (error) {
    xvfb.child.kill();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  const loudness = async (ms = 1000): Promise<number> => {
    const recorder = spawn("parec", ["--server", pulse.server, "-d", `${SINK}.monitor`, "--format=s16le", "--rate=16000", "--channels=1"]);
    const chunks: Buffer[] = [];
    recorder.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    const exited = new Promise((resolve) => recorder.once("close", resolve));
    // The length of a measurement window, not a wait for something to happen.
    await new Promise((resolve) => setTimeout(resolve, ms));
    recorder.kill();
    await exited;
    return rms(Buffer.concat(chunks));
  };

  return {
    env: { ...process.env, DISPLAY: xvfb.display, PULSE_SERVER: pulse.server, PULSE_SINK: SINK },
    loudness,
    async waitForLoudness(test, { windowMs = 1000, timeoutMs = 30_000, stop = () => false } = {}) {
      const end = Date.now() + timeoutMs;
      let last = await loudness(windowMs);
      while (!test(last) && Date.now() < end && !stop()) last = await loudness(windowMs);
      return last;
    },
    async close() {
      pulse.child.kill();
      xvfb.child.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
