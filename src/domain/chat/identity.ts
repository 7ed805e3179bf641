import { createHmac } from "node:crypto";
import { updateVisitor, type VisitorRow } from "../../adapters/db/repositories/chat.ts";
import { claimExternalId, findVisitorByExternalId, linkTokenToVisitor } from "../../adapters/db/repositories/visitorIdentity.ts";
import { IDENTITY_ERRORS, type IdentityClaim, type IdentitySettings, identityClaim } from "../../protocol/identity.ts";
import { constantTimeEqual, hashToken } from "../auth/secrets.ts";
import { forbidden, unauthorized } from "../errors.ts";
import type { Actor, DomainDeps } from "../ports.ts";

// Identity verification for a site's signed-in users (Chatwoot's answer to impersonation). The
// site's server signs the user's id with the identity secret; the widget passes id and signature
// along. A verified visitor is one contact across all their devices: the first device's visitor
// carries the id (`external_id`), every further device's token is linked to it. Anyone may claim
// any id, so without a valid signature nothing of that user's history is ever reachable.

/** The secret a site signs user ids with. Derived from the master secret: stable across restarts and nodes. */
export function identitySecret(deps: Pick<DomainDeps, "keys">): string {
  return deps.keys.identity.toString("hex");
}

/** What the site computes on its server: the hex HMAC-SHA256 of the user id under the identity secret. */
export function identityHash(secret: string, userId: string): string {
  return createHmac("sha256", secret).update(userId, "utf8").digest("hex");
}

/** Whether the site really signed this user id; compared in constant time, since the signature is the credential. */
export function verifyIdentityClaim(deps: Pick<DomainDeps, "keys">, claim: Pick<IdentityClaim, "userId" | "userHash">): boolean {
  return constantTimeEqual(identityHash(identitySecret(deps), claim.userId), claim.userHash.toLowerCase());
}

/** The identity secret and mode, for admins setting up their site. */
export function identitySettingsFor(deps: DomainDeps, actor: Actor): IdentitySettings {
  if (actor.type !== "agent" || actor.role !== "admin") throw forbidden("admin_only", "Only admins can see the identity secret.");
  return { secret: identitySecret(deps), required: deps.chat.identityRequired };
}

const invalidIdentity = (why: string) => unauthorized(IDENTITY_ERRORS.invalid, `The signed-in user could not be verified: ${why}`);
const identityRequired = () => unauthorized(IDENTITY_ERRORS.required, "This chat is only for signed-in users of this site. Sign in, then open the chat again.");

/** The claim a widget presented; null when it presented none, "malformed" when it is not a claim at all. */
function readClaim(raw: unknown): IdentityClaim | "malformed" | null {
  if (raw === undefined || raw === null) return null;
  const parsed = identityClaim.safeParse(raw);
  return parsed.success ? parsed.data : "malformed";
}

/**
 * Applies the identity a widget claims to the visitor its token found, and returns the visitor the
 * widget speaks as. Without a valid signature: refused (`identity_invalid`), or `identity_required`
 * when IDENTITY_REQUIRED is on. A token that belongs to one verified user never opens another's
 * history, nor its own without that user's signature: a widget whose user changed starts a new token.
 */
export async function resolveVisitorIdentity(deps: DomainDeps, input: { visitor: VisitorRow; token: string; claim: unknown }): Promise<VisitorRow> {
  const { visitor } = input;
  const claim = readClaim(input.claim);
  if (claim === null || claim === "malformed" || !verifyIdentityClaim(deps, claim)) {
    if (deps.chat.identityRequired) throw identityRequired();
    if (claim !== null) throw invalidIdentity("the signature does not match the user id.");
    if (visitor.external_id !== null) throw invalidIdentity("this chat belongs to a signed-in user; start a new one.");
    return visitor;
  }
  const profile = { ...(claim.name ? { name: claim.name } : {}), ...(claim.email ? { email: claim.email.toLowerCase() } : {}) };
  if (visitor.external_id === claim.userId) return refreshProfile(deps, visitor, profile);
  if (visitor.external_id !== null) throw invalidIdentity("this chat belongs to another signed-in user; start a new one.");

  // An anonymous token presenting a verified user: the user's first device becomes their contact;
  // any later device joins the existing one.
  const known = await findVisitorByExternalId(deps.db, claim.userId);
  if (!known && (await claimExternalId(deps.db, visitor.id, claim.userId, profile))) return { ...visitor, ...profile, external_id: claim.userId };
  const owner = known ?? (await findVisitorByExternalId(deps.db, claim.userId));
  if (!owner) throw new Error("verified visitor vanished while linking a device");
  await linkTokenToVisitor(deps.db, hashToken(deps.keys.tokenHash, input.token), owner.id, deps.clock.now());
  return refreshProfile(deps, owner, profile);
}

/** The site's name and e-mail for its user win over what was typed into the widget. */
async function refreshProfile(deps: DomainDeps, visitor: VisitorRow, profile: { name?: string; email?: string }): Promise<VisitorRow> {
  const changed = (profile.name !== undefined && profile.name !== visitor.name) || (profile.email !== undefined && profile.email !== visitor.email);
  if (!changed) return visitor;
  await updateVisitor(deps.db, visitor.id, profile);
  return { ...visitor, ...profile };
}
