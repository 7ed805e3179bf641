import { GrammyError, HttpError } from "grammy";

/** Why a row is given up on: each is a label of the dead-letter metric. */
export type DeadReason = "chat_not_found" | "bot_blocked" | "bad_request" | "stored_file_missing";

/** A stored attachment that is gone: no retry brings it back. */
export class StoredFileMissing extends Error {
  override name = "StoredFileMissing";
  constructor(readonly storageKey: string) {
    super(`stored file missing: ${storageKey}`);
  }
}

/** Another worker took the row over (our lease expired): it is theirs to finish, not ours to retry. */
export class LeaseLost extends Error {
  override name = "LeaseLost";
  constructor(readonly outboxId: string) {
    super(`lease on outbox row ${outboxId} lost`);
  }
}

export type Failure =
  | { kind: "lease_lost" }
  | { kind: "rate_limited"; retryAfterMs: number; description: string }
  /** Will not heal: dead-lettered after a few tries (a chat can be re-added, a file restored meanwhile). */
  | { kind: "permanent"; reason: DeadReason; description: string }
  | { kind: "transient"; description: string };

/** Sorts a delivery error: what Telegram said (GrammyError) apart from not reaching it (HttpError). */
export function classifyFailure(error: unknown): Failure {
  if (error instanceof LeaseLost) return { kind: "lease_lost" };
  if (error instanceof StoredFileMissing) return { kind: "permanent", reason: "stored_file_missing", description: error.message };
  if (error instanceof GrammyError) {
    if (error.error_code === 429) return { kind: "rate_limited", retryAfterMs: (error.parameters.retry_after ?? 5) * 1000, description: error.description };
    if (error.error_code === 403) return { kind: "permanent", reason: "bot_blocked", description: error.description };
    if (error.error_code === 400) {
      const reason = /chat not found|chat_id is empty|user not found/i.test(error.description) ? "chat_not_found" : "bad_request";
      return { kind: "permanent", reason, description: error.description };
    }
    return { kind: "transient", description: error.description };
  }
  if (error instanceof HttpError) return { kind: "transient", description: `network: ${String(error.error)}` };
  return { kind: "transient", description: String(error) };
}

/** Whether storage said "no such key" (local files: ENOENT). */
export function isMissingBlob(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "ENOENT" || code === "NoSuchKey" || code === "NotFound";
}
