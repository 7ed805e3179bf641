import type { AppDeps } from "../deps.ts";
import { availableAgents } from "../domain/assignment/agentStatus.ts";
import type { DomainDeps } from "../domain/ports.ts";
import type { AgentNamespace } from "./agentNamespace.ts";
import type { VisitorNamespace } from "./visitorNamespace.ts";

import { AGENTS_ROOM, inboxAudience } from "./rooms.ts";

/** Whether any agent has a console open on some node and chose the status "online". */
export async function anyAgentAvailable(domain: DomainDeps, agents: AgentNamespace): Promise<boolean> {
  const connected = await connectedAgentIds(agents);
  return connected.length > 0 && (await availableAgents(domain, connected)).length > 0;
}

/** The agents with a console open on any node: fetchSockets asks every node through the adapter. */
export async function connectedAgentIds(agents: AgentNamespace): Promise<string[]> {
  const sockets = await agents.in(AGENTS_ROOM).fetchSockets();
  return [...new Set(sockets.map((socket) => socket.data.actor.agentId))];
}

/**
 * Who is online and who is typing. Online means an agent has the console open on any node and
 * chose the status "online" (an agent who set Away or Offline does not count for visitors):
 * fetchSockets asks every node through the socket adapter. Nothing is cached here: whether anyone is
 * online is a cluster-wide fact, and a per-node copy goes stale when agents come and go on other nodes.
 */
export class Presence {
  agents!: AgentNamespace;
  visitors!: VisitorNamespace;

  constructor(private deps: AppDeps) {}

  /** Whether any agent is available: a console open and the status "online" (not away or offline). */
  async agentsOnline(): Promise<boolean> {
    return anyAgentAvailable(this.deps.domain, this.agents);
  }

  /** The agents with a console open on any node (whatever status they chose). */
  async connectedAgentIds(): Promise<string[]> {
    return connectedAgentIds(this.agents);
  }

  /** For what a visitor is shown: a peer node that does not answer (it died) reads as "away", logged, never an error. */
  async agentsOnlineOrAway(): Promise<boolean> {
    try {
      return await this.agentsOnline();
    } catch (err) {
      this.deps.log.warn({ err }, "could not ask every node whether agents are online; showing the team as away");
      return false;
    }
  }

  /**
   * Tells every widget whether the team is online, after an agent connected or left on this node.
   * Never rejects: a peer node that does not answer fetchSockets (it died) is logged, and widgets
   * keep the last state they were told until the next change.
   */
  async agentsChanged(): Promise<void> {
    try {
      const online = await this.agentsOnline();
      this.visitors.emit("agents:presence", { online });
    } catch (err) {
      this.deps.log.warn({ err }, "could not tell widgets whether agents are online: a node did not answer");
    }
  }

  /** Shows agents that the visitor of a conversation is typing (or stopped). */
  visitorTyping(conversationId: string, inboxId: string, typing: boolean): void {
    this.agents.to(inboxAudience(inboxId)).emit("typing", { conversationId, typing });
  }
}
