// The baseline for the chat benchmark: a bare Socket.IO relay in a process of its own, with the same
// namespaces, events and acknowledgements as destek's chat path, and nothing else: no
// authentication, validation, storage, rate limits or logging. What destek adds on top of the
// transport is the difference between the two. IPC as in destekNode.ts.
import { createServer } from "node:http";
import { Server } from "socket.io";

const http = createServer();
const io = new Server(http, { serveClient: false, transports: ["websocket"] });
let seq = 0;
io.of("/agent").on("connection", (socket) => socket.join("agents"));
io.of("/visitor").on("connection", (socket) => {
  socket.on("message:send", (input: { clientId: string; body: string }, ack: (answer: unknown) => void) => {
    const message = { id: String(++seq), clientId: input.clientId, body: input.body, createdAt: new Date().toISOString() };
    ack({ ok: true, data: { message } });
    socket.emit("message:new", message);
    io.of("/agent").to("agents").emit("message:new", { message });
  });
});
http.listen(0, "127.0.0.1", () => {
  const address = http.address();
  process.send?.({ type: "ready", port: typeof address === "object" && address ? address.port : 0, agentToken: "" });
});
process.on("message", (message: { type?: string }) => {
  if (message.type === "cpu") {
    process.send?.({ type: "cpu", ...process.cpuUsage() });
  } else if (message.type === "memory") {
    globalThis.gc?.();
    const { rss, heapUsed } = process.memoryUsage();
    process.send?.({ type: "memory", rss, heapUsed });
  } else if (message.type === "stop") {
    io.close();
    process.exit(0);
  }
});
process.on("disconnect", () => process.exit(0));
