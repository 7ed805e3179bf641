import { createAdapter } from "@socket.io/redis-streams-adapter";
import type { Server as HttpServer } from "node:http";
import { Server } from "socket.io";
import { authenticate } from "../domain/auth/sessions.ts";
import { DomainError } from "../domain/errors.ts";
import type { AppDeps } from "../deps.ts";
import type { ClientToServerEvents, ServerToClientEvents, SocketData } from "../protocol/events.ts";

export type Gateway = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/**
 * The Socket.IO edge. Every connection authenticates in the handshake; agents join their own room
 * and the team room. With Redis, rooms span all nodes through the Redis streams adapter.
 */
export function createGateway(server: HttpServer, deps: AppDeps): Gateway {
  const io: Gateway = new Server(server, {
    path: "/socket.io",
    serveClient: false,
    maxHttpBufferSize: 64 * 1024,
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60 * 1000 },
    ...(deps.redis ? { adapter: createAdapter(deps.redis.duplicate()) } : {}),
  });

  io.use(async (socket, next) => {
    const token: unknown = socket.handshake.auth.token;
    if (typeof token !== "string" || token.length > 4096) return next(new Error("unauthenticated"));
    try {
      const { actor } = await authenticate(deps.domain, token);
      socket.data.actor = actor;
      next();
    } catch (error) {
      next(new Error(error instanceof DomainError ? error.id : "unauthenticated"));
    }
  });

  io.on("connection", (socket) => {
    const { actor } = socket.data;
    deps.metrics.sockets.inc({ role: actor.type });
    void socket.join([`agent:${actor.agentId}`, "agents"]);
    socket.on("disconnect", () => deps.metrics.sockets.dec({ role: actor.type }));
  });

  return io;
}
