import type { Namespace, Server } from "socket.io";
import { findConversation } from "../adapters/db/repositories/chat.ts";
import { authenticate } from "../domain/auth/sessions.ts";
import { assignConversation, openConversation, recordAgentReceipt, setConversationStatus } from "../domain/chat/conversations.ts";
import { sendAgentMessage } from "../domain/chat/messages.ts";
import { addNote } from "../domain/chat/timeline.ts";
import type { AgentLabelServerEvents } from "../protocol/labels.ts";
import { type AgentTimelineClientEvents, type AgentTimelineServerEvents, noteSend } from "../protocol/timeline.ts";
import type { AgentCallbackServerEvents } from "../protocol/callbacks.ts";
import { DomainError } from "../domain/errors.ts";
import type { AppDeps } from "../deps.ts";
import type { Departures } from "./departures.ts";
import type { AgentActor } from "../http/authenticate.ts";
import { type AgentClientEvents, type AgentServerEvents, agentOpen, agentReceipt, agentSend, agentTyping, assignPayload, statusPayload } from "../protocol/chat.ts";
import { z } from "zod";
import { acceptCall, callsState, declineCall, hangUpAfterDeparture, hangUpCall } from "../domain/calls/callService.ts";
import { openCallForAgent } from "../domain/calls/openCall.ts";
import { openRecordingLeg } from "../domain/calls/recordings.ts";
import { noteCallMedia } from "../domain/calls/callMedia.ts";
import { type AgentCallClientEvents, type AgentCallServerEvents, callId, mediaReport, recordOffer, signalPayload } from "../protocol/calls.ts";
import { resumeCall } from "../domain/calls/rejoin.ts";
import { announceRejoin, relaySignal, type SignalTargets } from "./callSignaling.ts";
import { handle } from "./handle.ts";
import type { Presence } from "./presence.ts";
import type { AutoAssigner } from "./autoAssigner.ts";
import { announceAgentStatus } from "./agentStatusEvents.ts";
import { recordAvailability } from "../domain/reports/reports.ts";
import { type AgentStatusClientEvents, type AgentStatusServerEvents, statusSet } from "../protocol/agentStatus.ts";
import { setAgentStatus } from "../domain/assignment/agentStatus.ts";
import { AGENTS_ROOM, agentRoom, consoleInboxRooms, joinRooms, sessionRoom, visitorRoom } from "./rooms.ts";
import { inboxesOfAgent } from "../domain/inboxes/inboxes.ts";
import { callsStateFor, requireAssignable, requireVisibleCall, requireVisibleConversation, visibleInboxes } from "../domain/inboxes/visibility.ts";

export interface AgentSocketData {
  actor: AgentActor;
  /** The inboxes the agent was a member of at connect (admins: all); later changes move the socket between rooms. */
  inboxIds: string[];
}
export type AgentNamespace = Namespace<
  AgentClientEvents & AgentCallClientEvents & AgentTimelineClientEvents & AgentStatusClientEvents,
  AgentServerEvents & AgentCallServerEvents & AgentTimelineServerEvents & AgentStatusServerEvents & AgentLabelServerEvents & AgentCallbackServerEvents,
  Record<string, never>,
  AgentSocketData
>;

/** The console namespace with its event maps (Socket.IO types a namespace only at creation). */
export const agentNamespaceOf = (io: Server) => io.of("/agent") as unknown as AgentNamespace;

/** Tells the consoles in `room`, on every node, that their session ended, and disconnects them. */
export function endConsoles(nsp: AgentNamespace, room: string, reason: string): void {
  nsp.to(room).emit("session:ended", { reason });
  nsp.in(room).disconnectSockets(true);
}
const SESSION_RECHECK_MS = 60_000;

/** The console's side: an access token in the handshake; an agent sees the conversations and calls of their inboxes, an admin all. */
export function attachAgentNamespace(
  nsp: AgentNamespace,
  deps: AppDeps,
  presence: Presence,
  signals: SignalTargets,
  departures: Departures,
  assigner: AutoAssigner,
): void {
  const { domain, log } = deps;

  nsp.use(async (socket, next) => {
    const token: unknown = socket.handshake.auth.token;
    if (typeof token !== "string" || token.length > 4096) return next(new Error("unauthenticated"));
    try {
      socket.data.actor = (await authenticate(domain, token)).actor;
      socket.data.inboxIds = await inboxesOfAgent(domain, socket.data.actor.agentId);
      next();
    } catch (error) {
      next(new Error(error instanceof DomainError ? error.id : "unauthenticated"));
    }
  });

  nsp.on("connection", (socket) => {
    const { actor } = socket.data;
    // The agent row is re-read per request: a disabled agent or ended session stops at once.
    const agent = async () => (await authenticateAgain()).agent;
    // The agent, once they may see this conversation (another inbox's answers conversation_not_found).
    const agentOf = async (conversationId: string) => {
      const me = await agent();
      await requireVisibleConversation(domain, me, conversationId);
      return me;
    };
    const agentOfCall = async (callId: string) => {
      const me = await agent();
      await requireVisibleCall(domain, me, callId);
      return me;
    };
    const authenticateAgain = async () => {
      const token = socket.handshake.auth.token as string;
      try {
        return await authenticate(domain, token);
      } catch (error) {
        socket.emit("session:ended", { reason: error instanceof DomainError ? error.id : "session_invalid" });
        socket.disconnect(true);
        throw error;
      }
    };
    deps.metrics.sockets.inc({ role: "agent" });
    joinRooms(socket, [AGENTS_ROOM, agentRoom(actor.agentId), sessionRoom(actor.sessionId), ...consoleInboxRooms(actor.role, socket.data.inboxIds)], log);
    // Presence asks every node (the gateway does, on `presence.changed`); with a peer gone or Redis away that fails, and the console still works.
    const announcePresence = (): void => {
      domain.events.publish({ type: "presence.changed", agentId: actor.agentId });
    };
    announcePresence();
    // The team sees this agent available (if their status is online), and waiting conversations may go to them.
    const announceStatus = (): void => {
      // Reports sum each agent's online time from these changes.
      announceAgentStatus(nsp, domain.db, actor.agentId)
        .then((view) => (view ? recordAvailability(domain, actor.agentId, view.available) : undefined))
        .catch((err: unknown) => log.warn({ err, agentId: actor.agentId }, "announcing agent status failed"));
    };
    announceStatus();
    assigner.request();
    // A waiting call may now ring this agent first (and stop ringing everyone else).
    domain.events.publish({ type: "calls.changed" });
    // A session can end elsewhere (disabled by the CLI, signed out on another node): check again
    // now and then, so a revoked console stops receiving conversations.
    // authenticateAgain disconnects a console whose session ended; the rejection is that same news.
    const recheck = setInterval(() => {
      authenticateAgain().catch(() => undefined);
    }, SESSION_RECHECK_MS);
    socket.on("disconnect", () => {
      clearInterval(recheck);
      deps.metrics.sockets.dec({ role: "agent" });
      announcePresence();
      announceStatus();
      domain.events.publish({ type: "calls.changed" });
      const room = agentRoom(actor.agentId);
      departures.watch(async () => (await nsp.in(room).fetchSockets()).length > 0, () => hangUpAfterDeparture(domain, { agentId: actor.agentId }));
    });

    socket.on("conversation:open", handle(log, agentOpen, async ({ conversationId, afterSeq }) => {
      await agentOf(conversationId);
      return openConversation(domain, conversationId, afterSeq);
    }));

    socket.on("message:send", handle(log, agentSend, async (input) => {
      const { message } = await sendAgentMessage(domain, await agentOf(input.conversationId), { ...input, via: "console" });
      return { message };
    }));

    socket.on("typing", handle(log, agentTyping, async ({ conversationId, typing }) => {
      const [me, conversation] = await Promise.all([agentOf(conversationId), findConversation(domain.db, conversationId)]);
      if (conversation) presence.visitors.to(visitorRoom(conversation.visitor_id)).emit("typing", { typing, name: me.name });
    }));

    socket.on("receipt", handle(log, agentReceipt, async ({ conversationId, seq, kind }) => {
      await agentOf(conversationId);
      await recordAgentReceipt(domain, conversationId, seq, kind);
    }));

    socket.on("conversation:assign", handle(log, assignPayload, async ({ conversationId, agentId }) => {
      const me = await agentOf(conversationId);
      await requireAssignable(domain, conversationId, agentId);
      return { conversation: await assignConversation(domain, conversationId, agentId, { type: "agent", id: me.id }) };
    }));

    socket.on("conversation:status", handle(log, statusPayload, async ({ conversationId, status }) => {
      const me = await agentOf(conversationId);
      return { conversation: await setConversationStatus(domain, conversationId, status, { type: "agent", id: me.id }) };
    }));

    socket.on("status:set", handle(log, statusSet, async ({ status }) => {
      const me = await agent();
      const view = await setAgentStatus(domain, me.id, status, true);
      await recordAvailability(domain, me.id, view.available).catch((err: unknown) => log.warn({ err, agentId: me.id }, "recording availability failed"));
      nsp.to(AGENTS_ROOM).emit("team:status", view);
      // Widgets hear whether anyone is still available (the last one stepping away is "away" to visitors).
      announcePresence();
      if (view.available) assigner.request();
      // Whom a waiting call rings first may have changed.
      domain.events.publish({ type: "calls.changed" });
      return view;
    }));

    socket.on("note:send", handle(log, noteSend, async (input) => ({ event: await addNote(domain, await agentOf(input.conversationId), input) })));

    socket.on("calls:sync", handle(log, z.object({}), async () => {
      const me = await agent();
      return callsStateFor(await callsState(domain, await presence.connectedAgentIds().catch(() => undefined)), await visibleInboxes(domain, me));
    }));
    socket.on("call:accept", handle(log, callId, async ({ callId }) => acceptCall(domain, await agentOfCall(callId), callId)));
    socket.on("call:open", handle(log, callId, async ({ callId }) => openCallForAgent(domain, await agentOfCall(callId), callId)));
    socket.on("call:reject", handle(log, callId, async ({ callId }) => ({ call: await declineCall(domain, await agentOfCall(callId), callId) })));
    socket.on("call:hangup", handle(log, callId, async ({ callId }) => ({
      call: await hangUpCall(domain, { agentId: (await agent()).id }, callId, "agent_hung_up"),
    })));
    socket.on("call:signal", handle(log, signalPayload, async ({ callId, signal }) => {
      return relaySignal(domain, signals, { agentId: (await agent()).id }, callId, signal);
    }));
    socket.on("call:resume", handle(log, z.object({}), async () => resumeCall(domain, { agentId: (await agent()).id })));
    socket.on("call:rejoin", handle(log, callId, async ({ callId }) => announceRejoin(domain, signals, { agentId: (await agent()).id }, callId)));
    socket.on("call:record", handle(log, recordOffer, async ({ callId, sdp }) => {
      return openRecordingLeg(domain, deps.recorder, { agentId: (await agent()).id }, callId, sdp);
    }));
    socket.on("call:media", handle(log, mediaReport, async ({ callId, video }) => noteCallMedia(domain, { agentId: (await agent()).id }, callId, video)));
  });
}
