import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

/**
 * Whether browser tests can run. On a developer's machine without Debian's Chromium they are
 * skipped; in CI a missing browser is an error, never a silent skip.
 */
export function browserAvailable(): boolean {
  const present = existsSync(CHROMIUM);
  if (!present && process.env.CI) throw new Error(`CI needs ${CHROMIUM} (apt-get install chromium) for the browser tests`);
  return present;
}

/** Whether ffmpeg (and ffprobe) are here to mix and check recordings; CI must have them. */
export function ffmpegAvailable(): boolean {
  const present = existsSync("/usr/bin/ffmpeg") && existsSync("/usr/bin/ffprobe");
  if (!present && process.env.CI) throw new Error("CI needs ffmpeg (apt-get install ffmpeg) for the recording tests");
  return present;
}

/**
 * Headless Debian Chromium (a fresh temporary profile) with fake camera and microphone, and
 * loopback WebRTC allowed. `headed` runs it with a window instead, on the display (and PulseAudio
 * sink) that `env` names, with `args` added: headless Chromium plays no sound (see audioSink.ts).
 */
export function launchChromium(headed?: { env: NodeJS.ProcessEnv; args?: string[] }): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: !headed,
    ...(headed && { env: headed.env }),
    args: [...chromiumArgs({ headless: !headed }), ...(headed?.args ?? [])],
  });
}

/** The command line launchChromium uses, plus more features turned off. */
export function chromiumArgs(options: { disableFeatures?: string[]; headless?: boolean } = {}): string[] {
  // One --disable-features flag: Chromium keeps only the last one given.
  const disabled = ["WebRtcHideLocalIpsWithMdns", ...(options.disableFeatures ?? [])].join(",");
  return [
    ...(options.headless === false ? [] : ["--headless"]),
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--allow-loopback-in-peer-connection",
    `--disable-features=${disabled}`,
  ];
}
