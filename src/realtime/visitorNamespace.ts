import type { Namespace } from "socket.io";
import type { VisitorRow } from "../adapters/db/repositories/chat.ts";
import { recordVisitorReceipt, syncVisitor } from "../domain/chat/conversations.ts";
import { sendVisitorMessage } from "../domain/chat/messages.ts";
import { identifyVisitor, updateVisitorProfile } from "../domain/chat/visitors.ts";
import { DomainError, rateLimited } from "../domain/errors.ts";
import type { AppDeps } from "../deps.ts";
import type { Departures } from "./departures.ts";
import { receiptPayload, typingPayload, type VisitorClientEvents, type VisitorServerEvents, visitorProfile, visitorSend, visitorSync } from "../protocol/chat.ts";
import { callId, recordOffer, signalPayload, startCall, type VisitorCallClientEvents, type VisitorCallServerEvents } from "../protocol/calls.ts";
import { hangUpAfterDeparture, hangUpCall, renewCallerIceServers, startCall as startCallForVisitor } from "../domain/calls/callService.ts";
import { openRecordingLeg } from "../domain/calls/recordings.ts";
import { resumeCall } from "../domain/calls/rejoin.ts";
import { z } from "zod";
import { announceRejoin, relaySignal, type SignalTargets } from "./callSignaling.ts";
import { handle } from "./handle.ts";
import type { Presence } from "./presence.ts";

export interface VisitorSocketData {
  visitor: VisitorRow;
}
export type VisitorNamespace = Namespace<
  VisitorClientEvents & VisitorCallClientEvents,
  VisitorServerEvents & VisitorCallServerEvents,
  Record<string, never>,
  VisitorSocketData
>;

export const visitorRoom = (visitorId: string) => `visitor:${visitorId}`;

const SENDS_PER_MINUTE = 30;

/** The widget's side: a visitor token in the handshake, then chat (sync, send, typing, receipts) and calls. */
export function attachVisitorNamespace(nsp: VisitorNamespace, deps: AppDeps, presence: Presence, signals: SignalTargets, departures: Departures): void {
  const { domain, log } = deps;

  nsp.use(async (socket, next) => {
    try {
      const language = socket.handshake.auth.language;
      socket.data.visitor = await identifyVisitor(domain, {
        token: socket.handshake.auth.visitorToken,
        userAgent: socket.handshake.headers["user-agent"] ?? null,
        language: typeof language === "string" ? language : null,
      });
      next();
    } catch (error) {
      next(new Error(error instanceof DomainError ? error.id : "unauthenticated"));
    }
  });

  nsp.on("connection", (socket) => {
    const visitor = () => socket.data.visitor;
    deps.metrics.sockets.inc({ role: "visitor" });
    const room = visitorRoom(visitor().id);
    socket.on("disconnect", () => {
      deps.metrics.sockets.dec({ role: "visitor" });
      departures.watch(async () => (await nsp.in(room).fetchSockets()).length > 0, () => hangUpAfterDeparture(domain, { visitorId: visitor().id }));
    });
    void socket.join(room);

    socket.on("conversation:sync", handle(log, visitorSync, async ({ afterSeq }) => ({
      ...(await syncVisitor(domain, visitor(), afterSeq)),
      agentsOnline: await presence.agentsOnline(),
    })));

    socket.on("message:send", handle(log, visitorSend, async (input) => {
      const { allowed, retryAfterMs } = await domain.limiter.consume(`visitor-send:${visitor().id}`, SENDS_PER_MINUTE, 60_000);
      if (!allowed) throw rateLimited(retryAfterMs);
      const { message } = await sendVisitorMessage(domain, visitor(), input);
      return { message };
    }));

    socket.on("profile:update", handle(log, visitorProfile, async (profile) => {
      socket.data.visitor = await updateVisitorProfile(domain, visitor(), profile);
      return { ok: true as const };
    }));

    socket.on("typing", handle(log, typingPayload, async ({ typing }) => {
      presence.visitorTyping(visitor(), typing);
    }));

    socket.on("receipt", handle(log, receiptPayload, async ({ seq, kind }) => {
      await recordVisitorReceipt(domain, visitor(), seq, kind);
    }));

    socket.on("call:start", handle(log, startCall, ({ media, consent }) => startCallForVisitor(domain, visitor(), media, consent)));
    socket.on("call:hangup", handle(log, callId, async ({ callId }) => ({
      call: await hangUpCall(domain, { visitorId: visitor().id }, callId, "caller_hung_up"),
    })));
    socket.on("call:signal", handle(log, signalPayload, ({ callId, signal }) => relaySignal(domain, signals, { visitorId: visitor().id }, callId, signal)));
    socket.on("call:ice", handle(log, callId, ({ callId }) => renewCallerIceServers(domain, visitor(), callId)));
    socket.on("call:resume", handle(log, z.object({}), () => resumeCall(domain, { visitorId: visitor().id })));
    socket.on("call:rejoin", handle(log, callId, ({ callId }) => announceRejoin(domain, signals, { visitorId: visitor().id }, callId)));
    socket.on("call:record", handle(log, recordOffer, ({ callId, sdp }) => openRecordingLeg(domain, deps.recorder, { visitorId: visitor().id }, callId, sdp)));
  });
}
