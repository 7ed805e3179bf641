import { z } from "zod";
import { type Ack, clientEventNames } from "./chat.ts";
import { text } from "./text.ts";

// The call protocol: queueing, accepting and WebRTC signaling over the sockets. Clients import
// types only; the server validates every payload.


/** What the caller agreed to: the recording mode they were shown, and the wording's version. */
export const recordingConsent = z.object({ mode: z.enum(["audio", "audio+video"]), version: z.string().min(1).max(40) });
export type RecordingConsent = z.infer<typeof recordingConsent>;

export const callView = z.object({
  id: z.string(),
  status: z.enum(["queued", "ringing", "active", "ended", "missed", "rejected", "refused"]),
  media: z.enum(["audio", "video"]),
  recording: z.enum(["off", "audio", "audio+video"]),
  /** The inbox (website) the caller's widget belongs to. */
  inboxId: z.string(),
  visitor: z.object({ id: z.string(), name: z.string() }),
  agent: z.object({ id: z.string(), name: z.string() }).nullable(),
  createdAt: z.string(),
  answeredAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  endReason: z.string().nullable(),
  /** The recording consent stored with the call (mode, when, wording version); null when none was needed. */
  consent: z.object({ mode: z.enum(["audio", "audio+video"]), at: z.string(), version: z.string() }).nullable(),
});
export type CallView = z.infer<typeof callView>;

export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

export const callId = z.object({ callId: z.uuid() });
/**
 * A visitor presses Call. When calls are recorded, `consent` must name the current recording mode
 * and wording version, or the server refuses with `recording_consent_required` (details.mode: the
 * mode to ask about), and the widget asks and retries.
 */
export const startCall = z.object({ media: z.enum(["audio", "video"]).default("audio"), consent: recordingConsent.optional() });

/** What one side sends the other to set up and repair the media path. */
export const signal = z.discriminatedUnion("type", [
  z.object({ type: z.literal("offer"), sdp: text().min(1).max(20_000) }),
  z.object({ type: z.literal("answer"), sdp: text().min(1).max(20_000) }),
  z.object({
    type: z.literal("candidate"),
    candidate: z.object({
      candidate: text().max(1000),
      sdpMid: text().max(64).nullable().optional(),
      sdpMLineIndex: z.number().int().min(0).max(64).nullable().optional(),
    }),
  }),
]);
export const signalPayload = callId.extend({ signal });
/** A participant's offer for the server's recording peer of their side (recorded calls only). */
export const recordOffer = callId.extend({ sdp: text().min(1).max(20_000) });
export type Signal = z.infer<typeof signal>;
/** A participant's video sender now carries a track (camera or screen share) or none: the call becomes a video call. */
export const mediaReport = callId.extend({ video: z.boolean() });

export interface CallStart {
  call: CallView;
  position: number;
  /** For the caller while the call waits; TURN credentials here last the ring timeout and a margin. */
  iceServers: IceServer[];
}

/**
 * What a page that just loaded (or whose socket came back) learns of its own call, to come back
 * into it: the participant's live call (for a visitor, also the one still waiting), or null.
 */
export interface CallResume {
  call: CallView | null;
  /** Place in the queue while the call waits, else null. */
  position: number | null;
  /** Fresh ICE servers for the call (short-lived TURN credentials); empty without a call. */
  iceServers: IceServer[];
}

/** Events both kinds of participant send to come back into a live call. */
export interface CallRejoinClientEvents {
  "call:resume": (payload: Record<string, never>, ack: (a: Ack<CallResume>) => void) => void;
  /**
   * This side has a fresh RTCPeerConnection for the call (after a reload, or a connection beyond
   * repair); the other side is told (`call:peer-rejoining`) and starts afresh too. The agent's
   * console, the offerer, sends its offer after this is acknowledged, so the offer arrives after the news.
   */
  "call:rejoin": (payload: z.input<typeof callId>, ack: (a: Ack<{ call: CallView }>) => void) => void;
}
export interface CallRejoinServerEvents {
  /** The other participant came back with a fresh connection: make a fresh one too, and negotiate again. */
  "call:peer-rejoining": (payload: { callId: string }) => void;
}

export interface VisitorCallClientEvents extends CallRejoinClientEvents {
  "call:start": (payload: z.input<typeof startCall>, ack: (a: Ack<CallStart>) => void) => void;
  "call:hangup": (payload: z.input<typeof callId>, ack: (a: Ack<{ call: CallView }>) => void) => void;
  "call:signal": (payload: z.input<typeof signalPayload>, ack: (a: Ack<{ relayed: true }>) => void) => void;
  "call:record": (payload: z.input<typeof recordOffer>, ack: (a: Ack<{ sdp: string }>) => void) => void;
  /** Fresh ICE servers for the caller's ringing or live call (TURN credentials are short-lived). */
  "call:ice": (payload: z.input<typeof callId>, ack: (a: Ack<{ iceServers: IceServer[] }>) => void) => void;
  "call:media": (payload: z.input<typeof mediaReport>, ack: (a: Ack<{ media: CallView["media"] }>) => void) => void;
}
export interface VisitorCallServerEvents extends CallRejoinServerEvents {
  "call:queue": (payload: { callId: string; position: number }) => void;
  /** The call was answered; `iceServers` carry fresh TURN credentials for the live call. */
  "call:accepted": (payload: { call: CallView; iceServers: IceServer[] }) => void;
  "call:ended": (payload: { call: CallView }) => void;
  "call:signal": (payload: { callId: string; signal: Signal }) => void;
}

/** A call as the console finds it when opened at `/calls/:id`; ICE servers only for the call's own agent. */
export interface CallOpened {
  call: CallView;
  /** Place in the queue while the call waits, else null. */
  position: number | null;
  iceServers: IceServer[] | null;
}

export interface AgentCallClientEvents extends CallRejoinClientEvents {
  "call:accept": (payload: z.input<typeof callId>, ack: (a: Ack<{ call: CallView; iceServers: IceServer[] }>) => void) => void;
  "call:reject": (payload: z.input<typeof callId>, ack: (a: Ack<{ call: CallView }>) => void) => void;
  "call:hangup": (payload: z.input<typeof callId>, ack: (a: Ack<{ call: CallView }>) => void) => void;
  "call:signal": (payload: z.input<typeof signalPayload>, ack: (a: Ack<{ relayed: true }>) => void) => void;
  "call:record": (payload: z.input<typeof recordOffer>, ack: (a: Ack<{ sdp: string }>) => void) => void;
  "calls:sync": (payload: Record<string, never>, ack: (a: Ack<CallsState>) => void) => void;
  "call:open": (payload: z.input<typeof callId>, ack: (a: Ack<CallOpened>) => void) => void;
  "call:media": (payload: z.input<typeof mediaReport>, ack: (a: Ack<{ media: CallView["media"] }>) => void) => void;
}
export interface CallsState {
  /**
   * Each waiting call with STUN servers only, so a console can prepare its recording before
   * accepting; TURN credentials come with the accept, to the agent who took the call.
   */
  queue: Array<{
    call: CallView;
    position: number;
    iceServers: IceServer[];
    /** The agents it rings first (its inbox's available members); null or absent: every console. */
    ringAgentIds?: string[] | null;
  }>;
  usage: { used: number; limit: number };
}
export interface AgentCallServerEvents extends CallRejoinServerEvents {
  /** The queue changed: the whole queue and today's usage ("7 of 10 calls today"). */
  "calls:state": (state: CallsState) => void;
  "call:taken": (payload: { call: CallView }) => void;
  "call:ended": (payload: { call: CallView }) => void;
  "call:signal": (payload: { callId: string; signal: Signal }) => void;
}

/** Every call event a widget sends on `/visitor`. */
export const VISITOR_CALL_EVENTS = clientEventNames<VisitorCallClientEvents>({
  "call:start": true,
  "call:hangup": true,
  "call:signal": true,
  "call:record": true,
  "call:ice": true,
  "call:media": true,
  "call:resume": true,
  "call:rejoin": true,
});

/** Every call event a console sends on `/agent`. */
export const AGENT_CALL_EVENTS = clientEventNames<AgentCallClientEvents>({
  "call:accept": true,
  "call:reject": true,
  "call:hangup": true,
  "call:signal": true,
  "call:record": true,
  "calls:sync": true,
  "call:open": true,
  "call:media": true,
  "call:resume": true,
  "call:rejoin": true,
});
