import type { Actor } from "../domain/ports.ts";

// Socket event maps, typed once and shared by the server, the widget and the console.

export interface ServerToClientEvents {
  "session:ended": (payload: { reason: string }) => void;
}

// biome-ignore lint/complexity/noBannedTypes: filled in as realtime features land
export type ClientToServerEvents = {};

export interface SocketData {
  actor: Extract<Actor, { type: "agent" }>;
}
