import { z } from "zod";
import { API_SCOPES } from "./apiScopes.ts";
import { text } from "./text.ts";

export { API_SCOPES };

// API tokens over HTTP (`/api/api-tokens`, admins in the console). A token is shown once, when it is
// created; afterwards only its name, scopes, last four characters and times are.

export const apiScope = z.enum(API_SCOPES);
export type ApiScope = z.infer<typeof apiScope>;

/** Every token starts with this, so a leaked one is recognisable (secret scanners, logs). */
export const API_TOKEN_PREFIX = "dst_";

export const apiTokenView = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(apiScope),
  /** The token's last four characters, to tell tokens apart. */
  lastFour: z.string(),
  /** The admin who created it; the API acts as them. */
  createdBy: z.object({ id: z.string(), name: z.string().nullable() }),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiTokenView = z.infer<typeof apiTokenView>;

export const newApiToken = z.object({
  name: text().trim().min(1).max(100),
  scopes: z.array(apiScope).min(1, "choose at least one scope").max(API_SCOPES.length),
});
export type NewApiToken = z.infer<typeof newApiToken>;

export const apiTokenList = z.object({ tokens: z.array(apiTokenView) });
/** The answer to creating a token: the only time `token` (the secret) is ever sent. */
export const createdApiToken = z.object({ token: z.string(), apiToken: apiTokenView });
export type CreatedApiToken = z.infer<typeof createdApiToken>;
