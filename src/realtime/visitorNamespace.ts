import type { Logger } from "pino";
import type { Namespace } from "socket.io";
import { latestConversationOf, type VisitorRow } from "../adapters/db/repositories/chat.ts";
import { recordVisitorReceipt, syncVisitor } from "../domain/chat/conversations.ts";
import { sendVisitorMessage } from "../domain/chat/messages.ts";
import { rateConversation } from "../domain/chat/timeline.ts";
import { ratePayload, type VisitorTimelineClientEvents } from "../protocol/timeline.ts";
import { identifyVisitor, updateVisitorProfile } from "../domain/chat/visitors.ts";
import { resolveVisitorIdentity } from "../domain/chat/identity.ts";
import { consumeAddressLimit } from "../domain/chat/addressLimits.ts";
import { conflict, DomainError, rateLimited, unavailable } from "../domain/errors.ts";
import type { Origin } from "../domain/ports.ts";
import { clientAddress, trustFunction } from "../http/clientAddress.ts";
import type { AppDeps } from "../deps.ts";
import type { Departures } from "./departures.ts";
import { requestTranscript } from "../domain/mail/outgoing.ts";
import { type ConnectRefusal, receiptPayload, transcriptRequest, typingPayload, type VisitorClientEvents, type VisitorServerEvents, visitorProfile, visitorSend, visitorSync } from "../protocol/chat.ts";
import { noteCallMedia } from "../domain/calls/callMedia.ts";
import { callId, mediaReport, recordOffer, signalPayload, startCall, type VisitorCallClientEvents, type VisitorCallServerEvents } from "../protocol/calls.ts";
import { canRingAway, hangUpAfterDeparture, hangUpCall, renewCallerIceServers, startCall as startCallForVisitor } from "../domain/calls/callService.ts";
import { openRecordingLeg } from "../domain/calls/recordings.ts";
import { assertCallsOpen, widgetAvailability } from "../domain/inboxes/availability.ts";
import { resumeCall } from "../domain/calls/rejoin.ts";
import { z } from "zod";
import { announceRejoin, relaySignal, type SignalTargets } from "./callSignaling.ts";
import { handle } from "./handle.ts";
import { joinRooms, visitorRoom } from "./rooms.ts";
import { widgetInbox } from "../domain/inboxes/visibility.ts";
import type { Presence } from "./presence.ts";
import { guardCallStarts } from "./callStartGuard.ts";
import { TypingRelay } from "./typingRelay.ts";
import { agreedNoticeVersion } from "../domain/privacy/privacyNotice.ts";

export interface VisitorSocketData {
  visitor: VisitorRow;
  /** The client address, through the same trusted-proxy rule as HTTP routes. */
  origin: Origin;
  /** The inbox (website) the widget's snippet names; new conversations and calls go there. */
  inboxId: string;
}
/** Between nodes: a contact merge, so every node moves its own widgets of the merged visitor. */
export interface VisitorNodeEvents {
  "visitor:merged": (fromVisitorId: string, into: VisitorRow) => void;
}
export type VisitorNamespace = Namespace<
  VisitorClientEvents & VisitorCallClientEvents & VisitorTimelineClientEvents,
  VisitorServerEvents & VisitorCallServerEvents,
  VisitorNodeEvents,
  VisitorSocketData
>;

/**
 * Widgets on this node connected as a visitor who was just merged into another now act as that
 * one: its rooms, its conversations, its calls. The merged token also leads there on reconnect.
 */
export function moveMergedVisitorSockets(nsp: VisitorNamespace, fromVisitorId: string, into: VisitorRow, log: Logger): void {
  for (const socket of nsp.sockets.values()) {
    if (socket.data.visitor?.id !== fromVisitorId) continue;
    socket.data.visitor = into;
    Promise.resolve(socket.leave(visitorRoom(fromVisitorId))).catch((err: unknown) => log.warn({ err }, "leaving a merged visitor's room failed"));
    joinRooms(socket, visitorRoom(into.id), log);
  }
}

const SENDS_PER_MINUTE = 30;
// Each rating posts to Telegram: re-rating is for changing one's mind, not for flooding the team chat.
const RATINGS_PER_HOUR = 10;

/** The widget's side: a visitor token in the handshake, then chat (sync, send, typing, receipts) and calls. */
export function attachVisitorNamespace(nsp: VisitorNamespace, deps: AppDeps, presence: Presence, signals: SignalTargets, departures: Departures): void {
  const { domain, log } = deps;
  const trust = trustFunction(deps.config.trustProxy);
  // A snippet naming an inbox that does not exist is warned about once per id, not per visitor.
  const warnedInboxes = new Set<string>();

  nsp.use(async (socket, next) => {
    try {
      const origin = { address: clientAddress(socket.request, trust) };
      socket.data.origin = origin;
      await consumeAddressLimit(domain, "handshakes", origin);
      const { language, visitorToken, identity, inbox } = socket.handshake.auth;
      const named = await widgetInbox(domain, inbox);
      socket.data.inboxId = named.inboxId;
      if (named.unknown !== null && !warnedInboxes.has(named.unknown) && warnedInboxes.size < 1000) {
        warnedInboxes.add(named.unknown);
        log.warn({ inbox: named.unknown }, "a widget names an inbox that does not exist; its visitors go to the default inbox");
      }
      const anonymous = await identifyVisitor(domain, {
        token: visitorToken,
        userAgent: socket.handshake.headers["user-agent"] ?? null,
        language: typeof language === "string" ? language : null,
        origin,
      });
      // A signed-in user of the site, verified by the site's signature (or refused).
      socket.data.visitor = await resolveVisitorIdentity(domain, { visitor: anonymous, token: visitorToken, claim: identity });
      next();
    } catch (error) {
      next(handshakeRefusal(error, log));
    }
  });

  nsp.on("connection", (socket) => {
    const visitor = () => socket.data.visitor;
    const { origin } = socket.data;
    deps.metrics.sockets.inc({ role: "visitor" });
    // The conversation typing belongs to, remembered so a typing signal costs no query.
    let conversationId: string | undefined;
    const typing = new TypingRelay(async (isTyping) => {
      conversationId ??= (await latestConversationOf(domain.db, visitor().id, socket.data.inboxId))?.id;
      if (conversationId) presence.visitorTyping(conversationId, socket.data.inboxId, isTyping);
    }, log.child({ visitorId: visitor().id }));
    guardCallStarts(socket, domain, origin, log);
    socket.on("disconnect", () => {
      typing.stop();
      deps.metrics.sockets.dec({ role: "visitor" });
      // The room of the visitor the socket ended as (a contact merge may have moved it).
      const room = visitorRoom(visitor().id);
      departures.watch(async () => (await nsp.in(room).fetchSockets()).length > 0, () => hangUpAfterDeparture(domain, { visitorId: visitor().id }));
    });
    joinRooms(socket, visitorRoom(visitor().id), log);

    socket.on("conversation:sync", handle(log, visitorSync, async ({ afterSeq }) => {
      const synced = await syncVisitor(domain, visitor(), afterSeq, socket.data.inboxId);
      conversationId = synced.conversation?.id ?? conversationId;
      const online = await presence.agentsOnlineOrAway();
      const mail = { enabled: deps.config.mail !== undefined, known: visitor().email !== null };
      const availability = await widgetAvailability(domain, socket.data.inboxId, { agentsOnline: online, canRingAway: () => canRingAway(domain) });
      const privacyConsent = await agreedNoticeVersion(domain, visitor().id, socket.data.inboxId);
      // "Online" to the widget means someone answers now: within business hours as well.
      return { ...synced, agentsOnline: online && availability.open, callsAvailable: availability.calls, mail, availability, privacyConsent };
    }));

    socket.on("message:send", handle(log, visitorSend, async (input) => {
      const { allowed, retryAfterMs } = await domain.limiter.consume(`visitor-send:${visitor().id}`, SENDS_PER_MINUTE, 60_000);
      if (!allowed) throw rateLimited(retryAfterMs);
      // Across all of this address's visitors, so made-up tokens do not multiply the allowance.
      await consumeAddressLimit(domain, "messages", origin);
      const { message } = await sendVisitorMessage(domain, visitor(), { ...input, origin, inboxId: socket.data.inboxId });
      conversationId = message.conversationId;
      return { message };
    }));

    socket.on("conversation:rate", handle(log, ratePayload, async (input) => {
      const { allowed, retryAfterMs } = await domain.limiter.consume(`visitor-rate:${visitor().id}`, RATINGS_PER_HOUR, 60 * 60_000);
      if (!allowed) throw rateLimited(retryAfterMs);
      return { rating: await rateConversation(domain, visitor(), input) };
    }));

    socket.on("profile:update", handle(log, visitorProfile, async (profile) => {
      socket.data.visitor = await updateVisitorProfile(domain, visitor(), profile);
      return { ok: true as const };
    }));

    socket.on("typing", handle(log, typingPayload, async ({ typing: isTyping }) => typing.signal(isTyping)));

    socket.on("receipt", handle(log, receiptPayload, async ({ seq, kind }) => {
      await recordVisitorReceipt(domain, visitor(), seq, kind, socket.data.inboxId);
    }));

    socket.on("transcript:request", handle(log, transcriptRequest, async ({ email }) => {
      if (!deps.config.mail) throw unavailable("email_off", "E-mail is not set up on this server.");
      const sent = await requestTranscript(domain, visitor(), email, socket.data.inboxId);
      if (email) socket.data.visitor = { ...visitor(), email };
      return sent;
    }));

    socket.on("call:start", handle(log, startCall, async ({ media, consent }) => {
      // A stale or hand-made client must not ring a closed team: calls off or outside hours, refuse at once.
      await assertCallsOpen(domain, socket.data.inboxId, media);
      // A stale widget must not ring nobody: with no console open and no Telegram chat to ring, refuse at once.
      if (!(await presence.agentsOnlineOrAway()) && !(await canRingAway(domain))) {
        throw conflict("team_away", "Nobody is available to take a call right now. Leave a message or request a call back.");
      }
      return startCallForVisitor(domain, visitor(), media, consent, socket.data.inboxId);
    }));
    socket.on("call:hangup", handle(log, callId, async ({ callId }) => ({
      call: await hangUpCall(domain, { visitorId: visitor().id }, callId, "caller_hung_up"),
    })));
    socket.on("call:signal", handle(log, signalPayload, ({ callId, signal }) => relaySignal(domain, signals, { visitorId: visitor().id }, callId, signal)));
    socket.on("call:ice", handle(log, callId, ({ callId }) => renewCallerIceServers(domain, visitor(), callId)));
    socket.on("call:resume", handle(log, z.object({}), () => resumeCall(domain, { visitorId: visitor().id })));
    socket.on("call:rejoin", handle(log, callId, ({ callId }) => announceRejoin(domain, signals, { visitorId: visitor().id }, callId)));
    socket.on("call:record", handle(log, recordOffer, ({ callId, sdp }) => openRecordingLeg(domain, deps.recorder, { visitorId: visitor().id }, callId, sdp)));
    socket.on("call:media", handle(log, mediaReport, ({ callId, video }) => noteCallMedia(domain, { visitorId: visitor().id }, callId, video)));
  });
}

/**
 * The connect_error a refused widget gets: the stable id as the message, and for a limit the retry
 * time in `data`, so the widget can say when to come back and wait instead of reconnecting at once.
 */
function handshakeRefusal(error: unknown, log: Logger): Error & { data?: ConnectRefusal } {
  if (!(error instanceof DomainError)) {
    log.error({ err: error }, "visitor handshake failed");
    return new Error("unauthenticated");
  }
  const refusal: Error & { data?: ConnectRefusal } = new Error(error.id);
  refusal.data = { id: error.id, ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}) };
  return refusal;
}
