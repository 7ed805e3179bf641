import type { Server as HttpServer } from "node:http";
import { createAdapter } from "@socket.io/redis-streams-adapter";
import { closeRedis } from "../adapters/redis.ts";
import { adapterClient } from "../adapters/redisAdapterClient.ts";
import { Server } from "socket.io";
import type { DomainEvent, EventOrigin } from "../domain/events.ts";
import type { AppDeps } from "../deps.ts";
import { callsState } from "../domain/calls/callService.ts";
import { type AgentNamespace, agentNamespaceOf, attachAgentNamespace } from "./agentNamespace.ts";
import type { SignalTargets } from "./callSignaling.ts";
import { clusterChannels } from "./clusterChannels.ts";
import { Departures } from "./departures.ts";
import { Presence } from "./presence.ts";
import { AutoAssigner } from "./autoAssigner.ts";
import { ADMINS_ROOM, AGENTS_ROOM, agentRoom, inboxAudience, sessionRoom, visitorRoom } from "./rooms.ts";
import { agentInboxes, callsStateFor } from "../domain/inboxes/visibility.ts";
import { attachVisitorNamespace, moveMergedVisitorSockets, type VisitorNamespace } from "./visitorNamespace.ts";

export type Gateway = Server;

export interface GatewayHandle {
  io: Gateway;
  /**
   * Drops every socket so the browsers reconnect (to another node, once this one stops
   * listening), and releases the adapter's Redis connection. Returns without waiting for clients.
   */
  close(): Promise<void>;
}

/**
 * The Socket.IO edge: `/visitor` for widgets, `/agent` for consoles. Domain events are fanned out
 * to rooms; with Redis the streams adapter carries room broadcasts to every node.
 */
export function createGateway(server: HttpServer, deps: AppDeps): GatewayHandle {
  // The adapter publishes on its own connection; the library does not close it, so we do.
  const publisher = deps.redis ? adapterClient(deps.redis) : undefined;
  // The main connection already reports a Redis outage (once); this one would repeat it per retry.
  publisher?.on("error", () => undefined);
  const io = new Server(server, {
    path: "/socket.io",
    serveClient: false,
    maxHttpBufferSize: 64 * 1024,
    // A resumed connection goes through the handshake checks again: by default Socket.IO skips
    // them, and a console whose session ended meanwhile would be back in its rooms.
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60 * 1000, skipMiddlewares: false },
    ...(publisher ? { adapter: createAdapter(publisher, clusterChannels(deps.domain.keys)) } : {}),
  });
  const presence = new Presence(deps);
  // Socket.IO types namespaces by their event maps only at creation; this cast and the one in
  // agentNamespaceOf are the only ones.
  const agents: AgentNamespace = agentNamespaceOf(io);
  const visitors = io.of("/visitor") as unknown as VisitorNamespace;
  presence.agents = agents;
  presence.visitors = visitors;
  const signals: SignalTargets = {
    toVisitor: (visitorId, callId, signal) => visitors.to(visitorRoom(visitorId)).emit("call:signal", { callId, signal }),
    toAgent: (agentId, callId, signal) => agents.to(agentRoom(agentId)).emit("call:signal", { callId, signal }),
    peerRejoining: (to, callId) =>
      "visitorId" in to ? visitors.to(visitorRoom(to.visitorId)).emit("call:peer-rejoining", { callId }) : agents.to(agentRoom(to.agentId)).emit("call:peer-rejoining", { callId }),
  };
  const departures = new Departures(deps.log, deps.config.calls.rejoinWindowMs);
  const assigner = new AutoAssigner(deps, presence);
  attachAgentNamespace(agents, deps, presence, signals, departures, assigner);
  attachVisitorNamespace(visitors, deps, presence, signals, departures);
  visitors.on("visitor:merged", (fromVisitorId, into) => moveMergedVisitorSockets(visitors, fromVisitorId, into, deps.log));

  // The queue as everyone sees it: for consoles the calls of the inboxes they see (admins all), each caller's place for widgets.
  const announceQueue = async () => {
    const state = await callsState(deps.domain, await presence.connectedAgentIds().catch(() => undefined));
    agents.to(ADMINS_ROOM).emit("calls:state", state);
    for (const [agentId, inboxIds] of await agentInboxes(deps.domain)) {
      agents.to(agentRoom(agentId)).except(ADMINS_ROOM).emit("calls:state", callsStateFor(state, inboxIds));
    }
    for (const { call, position } of state.queue) visitors.to(visitorRoom(call.visitor.id)).emit("call:queue", { callId: call.id, position });
  };

  const fanOut = (event: DomainEvent, origin: EventOrigin) => {
    // Each node ends its own consoles of an ended session, whoever published it (another node, or
    // the CLI, which has no socket server).
    if (event.type === "session.ended") {
      const consoles = agents.local.in(event.sessionId ? sessionRoom(event.sessionId) : agentRoom(event.agentId));
      if (event.reason) consoles.emit("session:ended", { reason: event.reason });
      consoles.disconnectSockets(true);
      return;
    }
    // The node that published an event emits it to sockets, and the adapter carries that to every
    // node's sockets: emitting a cluster-wide event again where it arrives would deliver it twice.
    if (origin.remote) return;
    if (AutoAssigner.wants(event)) assigner.request();
    switch (event.type) {
      case "message.created":
        visitors.to(visitorRoom(event.visitorId)).emit("message:new", event.message);
        agents.to(inboxAudience(event.conversation.inboxId)).emit("message:new", { message: event.message, conversation: event.conversation });
        return;
      case "conversation.updated":
        agents.to(inboxAudience(event.conversation.inboxId)).emit("conversation:updated", event.conversation);
        visitors.to(visitorRoom(event.visitorId)).emit("conversation:updated", event.visitorView);
        return;
      case "receipts.updated":
        if (event.side === "agent") visitors.to(visitorRoom(event.visitorId)).emit("receipts", { conversationId: event.conversationId, ...event.receipts });
        else agents.to(inboxAudience(event.inboxId)).emit("receipts", { conversationId: event.conversationId, ...event.receipts });
        return;
      // Notes and timeline changes go to consoles only: no visitor room is ever named here.
      case "timeline.event":
        agents.to(inboxAudience(event.inboxId)).emit("timeline:event", event.event);
        return;
      case "mention":
        agents.to(agentRoom(event.agentId)).emit("mention", event.notice);
        return;
      case "labels.changed":
        agents.to(AGENTS_ROOM).emit("labels:changed");
        return;
      case "availability.changed":
        // Every widget syncs again on this (the event reaches every node's widgets through the adapter).
        presence.agentsChanged().catch((err: unknown) => deps.log.warn({ err }, "telling widgets about changed business hours failed"));
        return;
      case "callbacks.changed":
        agents.to(inboxAudience(event.callback.inboxId)).emit("callbacks:changed", { callback: event.callback });
        return;
      case "calls.changed":
        announceQueue().catch((err: unknown) => deps.log.error({ err }, "announcing the call queue failed"));
        return;
      case "call.accepted":
        visitors.to(visitorRoom(event.call.visitor.id)).emit("call:accepted", { call: event.call, iceServers: event.visitorIceServers });
        agents.to(inboxAudience(event.call.inboxId)).emit("call:taken", { call: event.call });
        return;
      case "call.ended":
        visitors.to(visitorRoom(event.call.visitor.id)).emit("call:ended", { call: event.call });
        agents.to(inboxAudience(event.call.inboxId)).emit("call:ended", { call: event.call });
        return;
      case "visitor.merged":
        moveMergedVisitorSockets(visitors, event.fromVisitorId, event.into, deps.log);
        // Other nodes move their own widgets (the in-memory adapter of a single node has no others).
        if (publisher) visitors.serverSideEmit("visitor:merged", event.fromVisitorId, event.into);
        return;
      case "presence.changed":
        // Every widget hears whether anyone answers (through the adapter, on every node).
        presence.agentsChanged().catch((err: unknown) => deps.log.warn({ err, agentId: event.agentId }, "announcing agent presence failed"));
        return;
      case "visitor.erased":
        // On every node (the adapter broadcasts it): the erased token no longer opens anything, and
        // a widget that reconnects starts over as a new visitor.
        for (const id of event.visitorIds) visitors.in(visitorRoom(id)).disconnectSockets(true);
        return;
    }
  };
  const unsubscribe = deps.bus.subscribe(fanOut);
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      unsubscribe();
      // Closing the engine cuts each transport: clients see "transport close" and reconnect by
      // themselves. A Socket.IO-level disconnect ("io server disconnect") would not be retried.
      io.engine.close();
      departures.stop();
      await assigner.idle();
      await Promise.allSettled([agents, visitors].map((nsp) => nsp.adapter.close()));
      if (publisher) await closeRedis(publisher);
    })();
    return closed;
  };
  return { io, close };
}
