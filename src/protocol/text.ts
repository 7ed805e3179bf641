import { z } from "zod";

// PostgreSQL refuses a NUL byte in text ("invalid byte sequence"), so one that reached SQL became a
// 500 there while SQLite stored it. Every string a client sends is refused at its schema instead:
// a 400 (or an invalid_request ack) on both engines.
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing the NUL character is the point
const WITHOUT_NUL = /^[^\u0000]*$/;

/** The check itself, for string formats: `z.url().max(2000).check(nulFree)`. */
export const nulFree = z.regex(WITHOUT_NUL, "must not contain NUL bytes");

/** A string from a client, without NUL bytes; chain bounds on it as on z.string(). */
export const text = () => z.string().check(nulFree);

/** Whether a decoded value (a page cursor's id, say) is free of NUL bytes. */
export const hasNoNul = (value: string): boolean => WITHOUT_NUL.test(value);
