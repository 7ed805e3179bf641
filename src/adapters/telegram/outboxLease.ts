import type { Logger } from "pino";
import { renewOutboxLease } from "../db/repositories/outbox.ts";
import type { DomainDeps } from "../../domain/ports.ts";
import { LeaseLost } from "./outboxFailures.ts";

/** A worker's hold on one outbox row while it sends its parts. */
export interface Lease {
  owner: string;
  /** Aborts an upload in flight once the lease is lost. */
  signal: AbortSignal;
  /** Renews the lease; throws LeaseLost when another worker took the row over. Call before each part. */
  confirm(): Promise<void>;
  release(): void;
}

/**
 * Keeps a claimed row leased while it is worked on: renewed before each part and on a timer while
 * a long upload runs, so the lease never runs out under a slow send and no other node sends it too.
 */
export function holdLease(deps: DomainDeps, rowId: string, owner: string, leaseMs: number, log: Logger): Lease {
  const controller = new AbortController();
  let lost = false;
  const renew = async () => {
    if (lost) return;
    const held = await renewOutboxLease(deps.db, rowId, owner, deps.clock.now() + leaseMs);
    if (!held) {
      lost = true;
      controller.abort(new LeaseLost(rowId));
    }
  };
  const timer = setInterval(() => {
    renew().catch((err: unknown) => log.warn({ err, outboxId: rowId }, "could not renew an outbox lease; trying again"));
  }, Math.max(50, Math.floor(leaseMs / 3)));
  timer.unref();
  return {
    owner,
    signal: controller.signal,
    async confirm() {
      await renew();
      if (lost) throw new LeaseLost(rowId);
    },
    release: () => clearInterval(timer),
  };
}
