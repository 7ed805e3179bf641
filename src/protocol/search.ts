import { z } from "zod";

/** A stretch of a snippet's text that matched the query, as UTF-16 offsets into `text`. */
export const searchMark = z.object({ start: z.number(), end: z.number() });

/**
 * Why a conversation is in the search results: a piece of the matching message (or of the visitor's
 * name, e-mail and phone) as plain text, with the matched words' offsets. Clients wrap the marked
 * stretches in `<mark>` elements; the text is never HTML.
 */
export const searchSnippet = z.object({
  source: z.enum(["message", "visitor"]),
  /** The matching message, for opening the conversation at it; null for a visitor match. */
  messageSeq: z.number().nullable(),
  text: z.string(),
  marks: z.array(searchMark),
});
export type SearchSnippet = z.infer<typeof searchSnippet>;
export type SearchMark = z.infer<typeof searchMark>;
