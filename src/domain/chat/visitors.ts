import { randomUUID } from "node:crypto";
import { findVisitorByTokenHash, insertVisitor, updateVisitor, type VisitorRow } from "../../adapters/db/repositories/chat.ts";
import type { VisitorProfile } from "../../protocol/chat.ts";
import { hashToken } from "../auth/secrets.ts";
import { invalid, unauthorized } from "../errors.ts";
import type { DomainDeps, Origin } from "../ports.ts";
import { consumeAddressLimit } from "./addressLimits.ts";

// A visitor is known only by a random token the widget keeps; we store its keyed hash.
const TOKEN = /^[\w-]{22,128}$/;

/**
 * Finds the visitor a widget token belongs to, creating them on first contact. Creating counts
 * against the address's new-visitor limit, so made-up tokens cannot dodge the per-visitor limits.
 */
export async function identifyVisitor(
  deps: DomainDeps,
  input: { token: unknown; userAgent: string | null; language: string | null; origin: Origin },
): Promise<VisitorRow> {
  if (typeof input.token !== "string" || !TOKEN.test(input.token)) {
    throw unauthorized("visitor_token_invalid", "The widget sent no valid visitor token.");
  }
  const tokenHash = hashToken(deps.keys.tokenHash, input.token);
  const now = deps.clock.now();
  const existing = await findVisitorByTokenHash(deps.db, tokenHash);
  const language = input.language === "tr" || input.language === "en" ? input.language : null;
  if (existing) {
    await updateVisitor(deps.db, existing.id, { last_seen_at: now, ...(language ? { language } : {}) });
    return { ...existing, last_seen_at: now, language: language ?? existing.language };
  }
  await consumeAddressLimit(deps, "newVisitors", input.origin);
  await insertVisitor(deps.db, {
    id: randomUUID(),
    token_hash: tokenHash,
    name: null,
    email: null,
    phone: null,
    language,
    user_agent: input.userAgent?.slice(0, 400) ?? null,
    page_url: null,
    page_title: null,
    first_seen_at: now,
    last_seen_at: now,
    metadata: null,
  });
  // Two first connections racing: whichever insert won, both read the same row.
  const created = await findVisitorByTokenHash(deps.db, tokenHash);
  if (!created) throw new Error("visitor insert lost");
  return created;
}

export async function updateVisitorProfile(deps: DomainDeps, visitor: VisitorRow, profile: VisitorProfile): Promise<VisitorRow> {
  const changes = {
    ...(profile.name !== undefined ? { name: profile.name } : {}),
    ...(profile.email !== undefined ? { email: profile.email.toLowerCase() } : {}),
    ...(profile.phone !== undefined ? { phone: profile.phone } : {}),
  };
  if (Object.keys(changes).length) await updateVisitor(deps.db, visitor.id, changes);
  return { ...visitor, ...changes };
}

/** A page address agents may open: http(s) only, never `javascript:` or `data:`. */
export function isWebPageUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === "http:" || protocol === "https:";
  } catch {
    return false;
  }
}

/** Remembers the page the visitor is on, shown to agents beside the conversation. */
export async function recordVisitorPage(deps: DomainDeps, visitor: VisitorRow, page: { url: string; title: string | null }): Promise<void> {
  if (!isWebPageUrl(page.url)) throw invalid("page_url_invalid", "The page address must be an http(s) URL.");
  await updateVisitor(deps.db, visitor.id, { page_url: page.url.slice(0, 2000), page_title: page.title?.slice(0, 300) ?? null });
}
