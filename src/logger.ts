import type { LoggerOptions } from "pino";

/** Paths whose values never reach a log line: credentials, codes, tokens and cookies. */
export const REDACTED_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  "req.headers['x-csrf-token']",
  "req.headers['x-telegram-bot-api-secret-token']",
  "res.headers['set-cookie']",
  "*.password",
  "*.code",
  "*.token",
  "*.ticket",
  "*.accessToken",
  "*.refreshToken",
  "*.secret",
  "password",
  "code",
  "token",
];

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    // Query strings can carry tokens (setup links, signed URLs): log the path only.
    serializers: {
      req: (req: { id: string; method: string; url: string; ip?: string }) => ({
        id: req.id,
        method: req.method,
        path: req.url.split("?")[0],
        ip: req.ip,
      }),
    },
  };
}
