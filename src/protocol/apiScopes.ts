// API token scopes as a plain list (no zod), so the console can import the value itself.

/** What an API token may do; each /api/v1 route needs one of these. */
export const API_SCOPES = [
  "conversations:read",
  "conversations:write",
  "contacts:read",
  "contacts:write",
  "calls:read",
  "canned_replies:read",
  "canned_replies:write",
  "reports:read",
] as const;
