import { z } from "zod";
import { type Ack, clientEventNames } from "./chat.ts";

// Who answers: each agent chooses online, away or offline in the console. Available (for automatic
// assignment and for ringing calls first) means "online" AND a console connected on some node.

export const agentStatus = z.enum(["online", "away", "offline"]);
export type AgentStatus = z.infer<typeof agentStatus>;

export const statusSet = z.object({ status: agentStatus });

/** One agent's status as the team sees it. */
export interface AgentStatusView {
  agentId: string;
  status: AgentStatus;
  /** Chosen "online" and a console connected: automatic assignment and calls reach them. */
  available: boolean;
}

/** `/agent` events of agent status. */
export interface AgentStatusClientEvents {
  /** The agent sets their own status; every console hears `team:status`. */
  "status:set": (payload: z.input<typeof statusSet>, ack: (a: Ack<AgentStatusView>) => void) => void;
}
export interface AgentStatusServerEvents {
  /** An agent's status or console connection changed (every console, every node). */
  "team:status": (payload: AgentStatusView) => void;
}

export const AGENT_STATUS_EVENTS = clientEventNames<AgentStatusClientEvents>({ "status:set": true });
