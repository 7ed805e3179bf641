/** How the transport should present an error; the domain knows nothing of HTTP status codes. */
export type ErrorKind =
  | "invalid"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "too_large"
  | "unsupported"
  | "rate_limited"
  | "unavailable"
  /** Storage is at its quota: nothing more is kept until space is freed. */
  | "storage_full";

/** An expected failure with a stable id (`otp_expired`) that clients can rely on. */
export class DomainError extends Error {
  override name = "DomainError";
  constructor(
    readonly id: string,
    readonly kind: ErrorKind,
    message: string,
    readonly retryAfterMs?: number,
    /** Facts a client needs to recover (e.g. the recording mode to ask consent for); no internals. */
    readonly details?: Record<string, string>,
  ) {
    super(message);
  }
}

export const invalid = (id: string, message: string) => new DomainError(id, "invalid", message);
export const unauthorized = (id: string, message: string) => new DomainError(id, "unauthorized", message);
export const forbidden = (id: string, message: string) => new DomainError(id, "forbidden", message);
export const notFound = (id: string, message: string) => new DomainError(id, "not_found", message);
export const conflict = (id: string, message: string) => new DomainError(id, "conflict", message);
export const unavailable = (id: string, message: string) => new DomainError(id, "unavailable", message);
export const rateLimited = (retryAfterMs: number) =>
  new DomainError("rate_limited", "rate_limited", `Too many requests. Try again in ${Math.ceil(retryAfterMs / 1000)} s.`, retryAfterMs);
