import { z } from "zod";

// Identity verification of a customer site's signed-in users (domain/chat/identity.ts). The site
// signs each user id with HMAC-SHA256 under the identity secret; the widget passes the claim in
// the socket handshake (`auth.identity`) and with uploads (the X-Destek-User-* headers).

/** What the widget presents for a signed-in user; only `userId` is covered by the signature. */
export const identityClaim = z.object({
  userId: z.string().min(1).max(200),
  /** Hex HMAC-SHA256 of userId, keyed with the identity secret. */
  userHash: z.string().regex(/^[0-9a-fA-F]{64}$/, "must be 64 hex digits (HMAC-SHA256)"),
  name: z.string().trim().min(1).max(100).optional(),
  email: z.email().max(200).optional(),
});
export type IdentityClaim = z.infer<typeof identityClaim>;

/** Upload headers carrying the claim (name and e-mail are not needed there). */
export const IDENTITY_HEADERS = { userId: "x-destek-user-id", userHash: "x-destek-user-hash" } as const;

/** Error ids of a refused identity: a bad signature, or none where one is required. */
export const IDENTITY_ERRORS = { invalid: "identity_invalid", required: "identity_required" } as const;

/** `GET /api/settings/identity` (admins only): the secret a site signs its user ids with. */
export const identitySettings = z.object({
  secret: z.string(),
  /** Whether only verified visitors may chat (IDENTITY_REQUIRED). */
  required: z.boolean(),
});
export type IdentitySettings = z.infer<typeof identitySettings>;
