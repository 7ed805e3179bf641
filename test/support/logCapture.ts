import { Writable } from "node:stream";
import pino, { type Logger } from "pino";

export type LogLine = { level: number; msg: string } & Record<string, unknown>;

/** A real pino logger whose lines a test can read back. */
export function capturedLog(level = "info"): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { log: pino({ level }, sink), lines };
}
