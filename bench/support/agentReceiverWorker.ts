// The agent side of the open-loop chat benchmark, on a thread of its own: one agent socket that
// notes when each benchmark message's `message:new` arrives.
//   { type: "connect", url, token } → { type: "connected" }
//   { type: "collect" }             → { type: "received", received: [clientId, at][] } (and forgets them)
import { parentPort } from "node:worker_threads";
import { io, type Socket } from "socket.io-client";

const port = parentPort;
if (!port) throw new Error("agentReceiverWorker runs as a worker thread");
const now = () => performance.timeOrigin + performance.now();
let received: [string, number][] = [];
let socket: Socket | undefined;

port.on("message", (message: { type: string; url?: string; token?: string }) => {
  if (message.type === "connect") {
    socket = io(String(message.url), { auth: { token: message.token }, transports: ["websocket"], forceNew: true });
    socket.on("message:new", (payload: { message?: { clientId?: string } }) => {
      const id = payload.message?.clientId;
      if (id?.startsWith("v")) received.push([id, now()]);
    });
    // Only the first connection answers "connect": a later reconnection that fails (an overloaded
    // server missed a ping) must not fail whatever the parent asks next; its messages count as late.
    const refused = (error: Error) => port.postMessage({ type: "error", message: error.message });
    socket.once("connect_error", refused);
    socket.once("connect", () => {
      socket?.off("connect_error", refused);
      port.postMessage({ type: "connected" });
    });
  } else if (message.type === "collect") {
    port.postMessage({ type: "received", received });
    received = [];
  } else if (message.type === "close") {
    socket?.close();
    port.postMessage({ type: "closed" });
  }
});
