import type { AgentNamespace } from "./agentNamespace.ts";
import { ADMINS_ROOM, agentRoom, consoleInboxRooms, inboxRoom } from "./rooms.ts";

// Membership changes apply to open consoles at once, on every node: the socket adapter moves each
// agent's sockets (all tabs, all nodes) in or out of the inbox's room, and the consoles reload their
// list of inboxes.

/** After an inbox's members changed. */
export function moveInboxMembers(nsp: AgentNamespace, inboxId: string, change: { added: readonly string[]; removed: readonly string[] }): void {
  for (const agentId of change.added) nsp.in(agentRoom(agentId)).socketsJoin(inboxRoom(inboxId));
  for (const agentId of change.removed) nsp.in(agentRoom(agentId)).socketsLeave(inboxRoom(inboxId));
  const told = [...change.added, ...change.removed].map(agentRoom);
  nsp.to([...told, ADMINS_ROOM]).emit("inboxes:changed", {});
}

/** After an inbox was created, renamed or deleted: admins' (and a deleted inbox's members') consoles reload the list. */
export function inboxesChanged(nsp: AgentNamespace, inboxId: string, deleted = false): void {
  nsp.to([inboxRoom(inboxId), ADMINS_ROOM]).emit("inboxes:changed", {});
  if (deleted) nsp.in(inboxRoom(inboxId)).socketsLeave(inboxRoom(inboxId));
}

/** After an agent's role changed: an admin hears every inbox, an agent only theirs. */
export function moveAfterRoleChange(nsp: AgentNamespace, agentId: string, role: "admin" | "agent", inboxIds: readonly string[]): void {
  const sockets = nsp.in(agentRoom(agentId));
  if (role === "admin") sockets.socketsJoin(ADMINS_ROOM);
  else {
    sockets.socketsJoin(consoleInboxRooms("agent", inboxIds));
    sockets.socketsLeave(ADMINS_ROOM);
  }
  nsp.to(agentRoom(agentId)).emit("inboxes:changed", {});
}
