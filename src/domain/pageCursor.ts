import { hasNoNul } from "../protocol/text.ts";
import { invalid } from "./errors.ts";

// Keyset page cursors ("rows strictly before this (time, id)"), opaque to clients. A client can send
// anything back, and both parts go to SQL: a time that is not a safe integer (1.5, 1e300) or an id
// with a NUL byte made PostgreSQL fail with a 500, so a cursor is checked whole before it is used.

/** The cursor that continues after the row at (`at`, `id`). */
export const encodePageCursor = (at: number, id: string): string => Buffer.from(JSON.stringify([at, id])).toString("base64url");

/** The (time, id) of a cursor this server made; anything else is an `invalid_cursor` error (400). */
export function decodePageCursor(cursor: string): { at: number; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    if (Number.isSafeInteger(at) && typeof at === "number" && typeof id === "string" && id.length <= 64 && hasNoNul(id)) return { at, id };
  } catch {
    // fall through to the error below
  }
  throw invalid("invalid_cursor", "The page cursor is not valid.");
}
