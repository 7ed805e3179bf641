import { DomainError } from "./errors.ts";

/** What the service leans on and may lose for a while. */
export type Dependency = "database" | "redis" | "storage";

/**
 * A dependency is away (a database restart, a read-only disk, Redis down): the request may well
 * work in a moment. Transports answer 503 / `unavailable`, never a 500.
 */
export class ServiceOutage extends DomainError {
  override name = "ServiceOutage";
  constructor(
    readonly dependency: Dependency,
    readonly source?: unknown,
  ) {
    super("unavailable", "unavailable", `The service is briefly unavailable (${dependency}). Try again in a moment.`, 5000);
  }
}
