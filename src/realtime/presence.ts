import type { VisitorRow } from "../adapters/db/repositories/chat.ts";
import { latestConversationOf } from "../adapters/db/repositories/chat.ts";
import type { AppDeps } from "../deps.ts";
import type { AgentNamespace } from "./agentNamespace.ts";
import type { VisitorNamespace } from "./visitorNamespace.ts";

export const AGENTS_ROOM = "agents";

/**
 * Who is online and who is typing. Online means an agent has the console open on any node:
 * fetchSockets asks every node through the socket adapter.
 */
export class Presence {
  private lastOnline: boolean | undefined;
  agents!: AgentNamespace;
  visitors!: VisitorNamespace;

  constructor(private deps: AppDeps) {}

  async agentsOnline(): Promise<boolean> {
    const sockets = await this.agents.in(AGENTS_ROOM).fetchSockets();
    return sockets.length > 0;
  }

  /** Tells every widget when the team goes from away to online or back. */
  async agentsChanged(): Promise<void> {
    const online = await this.agentsOnline();
    if (online === this.lastOnline) return;
    this.lastOnline = online;
    this.visitors.emit("agents:presence", { online });
  }

  visitorTyping(visitor: VisitorRow, typing: boolean): void {
    void latestConversationOf(this.deps.domain.db, visitor.id).then((conversation) => {
      if (conversation) this.agents.to(AGENTS_ROOM).emit("typing", { conversationId: conversation.id, typing });
    });
  }
}
