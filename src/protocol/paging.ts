import { z } from "zod";

// Lists that page with an opaque cursor (conversations, contacts, calls, the audit and access logs)
// answer in one shape: the page's items under the list's name, and the cursor of the next page.

/** `{ <name>: item[], nextCursor }`: one page of a cursor-paged list; nextCursor is null on the last page. */
export function cursorPage<const Name extends string, Item extends z.ZodType>(name: Name, item: Item) {
  return z.object({ [name]: z.array(item), nextCursor: z.string().nullable() } as { [K in Name]: z.ZodArray<Item> } & { nextCursor: z.ZodNullable<z.ZodString> });
}

/** `limit` of a paged query: 1 to 100 items, `fallback` when the client gives none. */
export const pageLimit = (fallback: number) => z.coerce.number().int().min(1).max(100).default(fallback);
