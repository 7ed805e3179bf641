import type { AppDeps } from "../deps.ts";
import { assignWaiting, autoAssignInboxes } from "../domain/assignment/autoAssign.ts";
import type { DomainEvent } from "../domain/events.ts";
import type { Presence } from "./presence.ts";

/**
 * Runs automatic assignment when something may have made it possible: a conversation needs an
 * agent (new, reopened or unassigned), an agent freed a place (resolved), or an agent became
 * available (status online, console connected). Requests while a run is going coalesce into one
 * more run. Event-driven only: the periodic part (requeue) is a job started from src/jobs.ts.
 */
export class AutoAssigner {
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private deps: AppDeps,
    private presence: Presence,
  ) {}

  /** Whether a domain event may let a waiting conversation be assigned. */
  static wants(event: DomainEvent): boolean {
    if (event.type === "message.created") return event.conversation.status === "open" && !event.conversation.assignee;
    if (event.type === "conversation.updated") return event.conversation.status !== "open" || !event.conversation.assignee;
    return false;
  }

  /** Asks for a run; never rejects (a failure is logged, and the periodic job tries again). */
  request(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.run()
      .catch((err: unknown) => this.deps.log.warn({ err }, "automatic assignment failed; the assignment job tries again"))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.request();
        }
      });
  }

  /** Resolves when no run is going (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async run(): Promise<void> {
    // Most installs never turn it on: one small query, and no asking every node who is connected.
    if ((await autoAssignInboxes(this.deps.domain)).length === 0) return;
    await assignWaiting(this.deps.domain, await this.presence.connectedAgentIds());
  }
}
