import { z } from "zod";
import { text } from "../protocol/text.ts";

export { nulFree, text } from "../protocol/text.ts";

// Shared request schemas. Bounds on every string keep hostile input small; `text()` refuses NUL bytes,
// which PostgreSQL cannot store, so every string that may reach SQL is built on it.
export const username = text().trim().min(1).max(64);
export const password = text().min(1).max(256);
export const ticket = text().min(10).max(2048);
export const code = z.string().trim().regex(/^\d{6}$/, "must be 6 digits");
export const emptyBody = z.object({}).strict().optional();
/**
 * The query of an expiring signed link to stored bytes (attachments, recordings): `ses` is the
 * session tag of a bound link, `download=1` asks for a download instead of inline display.
 */
export const signedLinkQuery = z.object({
  exp: z.coerce.number().int().positive(),
  sig: text().min(20).max(100),
  ses: text().min(10).max(64).optional(),
  download: z.enum(["1"]).optional(),
});

export const agentView = z.object({
  id: z.string(),
  username: z.string(),
  name: z.string(),
  isAdmin: z.boolean(),
  telegramLinked: z.boolean(),
  totpEnabled: z.boolean(),
  language: z.enum(["tr", "en"]).nullable(),
  createdAt: z.string(),
  disabledAt: z.string().nullable(),
});

export const sessionResponse = z.object({
  accessToken: z.string(),
  expiresIn: z.number(),
  csrfToken: z.string(),
  agent: agentView,
  /** The first set of recovery codes, present once: right after the first second factor is set up. */
  recoveryCodes: z.array(z.string()).optional(),
  /** After signing in with a recovery code: how many remain. */
  recoveryCodesLeft: z.number().optional(),
});

export const totpEnrollment = z.object({ secret: z.string(), uri: z.string(), qr: z.string() });
export const telegramLink = z.object({ link: z.string(), expiresAt: z.string() });
