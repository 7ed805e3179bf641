import type { Server as HttpServer } from "node:http";
import { createAdapter } from "@socket.io/redis-streams-adapter";
import { Server } from "socket.io";
import type { ChatEvent } from "../domain/chat/events.ts";
import type { AppDeps } from "../deps.ts";
import { type AgentNamespace, attachAgentNamespace } from "./agentNamespace.ts";
import { AGENTS_ROOM, Presence } from "./presence.ts";
import { attachVisitorNamespace, type VisitorNamespace, visitorRoom } from "./visitorNamespace.ts";

export type Gateway = Server;

/**
 * The Socket.IO edge: `/visitor` for widgets, `/agent` for consoles. Domain events are fanned out
 * to rooms; with Redis the streams adapter carries room broadcasts to every node.
 */
export function createGateway(server: HttpServer, deps: AppDeps): Gateway {
  const io = new Server(server, {
    path: "/socket.io",
    serveClient: false,
    maxHttpBufferSize: 64 * 1024,
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60 * 1000 },
    ...(deps.redis ? { adapter: createAdapter(deps.redis.duplicate()) } : {}),
  });
  const presence = new Presence(deps);
  // Socket.IO types namespaces by their event maps only at creation; these two casts are the only ones.
  const agents = io.of("/agent") as unknown as AgentNamespace;
  const visitors = io.of("/visitor") as unknown as VisitorNamespace;
  presence.agents = agents;
  presence.visitors = visitors;
  attachAgentNamespace(agents, deps, presence);
  attachVisitorNamespace(visitors, deps, presence);

  const fanOut = (event: ChatEvent) => {
    switch (event.type) {
      case "message.created":
        visitors.to(visitorRoom(event.visitorId)).emit("message:new", event.message);
        agents.to(AGENTS_ROOM).emit("message:new", { message: event.message, conversation: event.conversation });
        return;
      case "conversation.updated":
        agents.to(AGENTS_ROOM).emit("conversation:updated", event.conversation);
        visitors.to(visitorRoom(event.visitorId)).emit("conversation:updated", event.visitorView);
        return;
      case "receipts.updated":
        if (event.side === "agent") visitors.to(visitorRoom(event.visitorId)).emit("receipts", { conversationId: event.conversationId, ...event.receipts });
        else agents.to(AGENTS_ROOM).emit("receipts", { conversationId: event.conversationId, ...event.receipts });
        return;
    }
  };
  const unsubscribe = deps.bus.subscribe(fanOut);
  server.on("close", unsubscribe);
  return io;
}
