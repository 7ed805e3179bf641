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

/** GET /api/team: everyone enabled, with presence, and who may take which inbox's conversations. */
export const teamAgentView = z.object({
  id: z.string(),
  name: z.string(),
  username: z.string(),
  /** A console of theirs is open. */
  online: z.boolean(),
  status: agentStatus,
  available: z.boolean(),
  /** Admins take conversations of every inbox. */
  role: z.enum(["admin", "agent"]),
  /** The inboxes they are a member of. */
  inboxIds: z.array(z.string()),
});
export type TeamAgent = z.infer<typeof teamAgentView>;
export const teamResponse = z.object({ agents: z.array(teamAgentView) });

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
