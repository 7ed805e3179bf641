import { randomBytes, randomUUID } from "node:crypto";
import { io as connect, type Socket } from "socket.io-client";
import type { Ack } from "../../src/protocol/chat.ts";

export const newVisitorToken = () => randomBytes(32).toString("base64url");
export const newClientId = () => randomUUID();

/** Connects a real socket.io client; rejects with the server's refusal message. */
export function openSocket(url: string, auth: Record<string, unknown>): Promise<Socket> {
  const socket = connect(url, { auth, transports: ["websocket"], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** Emits with an ack and returns the data, or throws the server's error id. */
export async function request<T>(socket: Socket, event: string, payload: unknown): Promise<T> {
  const ack = (await socket.timeout(10_000).emitWithAck(event, payload)) as Ack<T>;
  if (!ack.ok) throw Object.assign(new Error(ack.error.message), { id: ack.error.id });
  return ack.data;
}

export function nextEvent<T>(socket: Socket, event: string, predicate: (payload: T) => boolean = () => true, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (payload: T) => {
      if (!predicate(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(payload);
    };
    socket.on(event, listener);
  });
}
