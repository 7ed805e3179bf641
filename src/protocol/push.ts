import { z } from "zod";
import { text } from "./text.ts";

// Web push to the console installed on an agent's phone or desktop: the browser's subscription the
// console sends, the devices an agent sees, and what the service worker receives in each push.

const base64url = (min: number, max: number) =>
  z
    .string()
    .min(min)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+={0,2}$/, "must be base64url");

/**
 * The push services browsers use. The server posts to a subscription's endpoint, so an endpoint
 * elsewhere (an address inside the network) is refused: the console cannot aim the server anywhere.
 */
export const PUSH_SERVICE_HOSTS = [".googleapis.com", ".mozilla.com", ".push.apple.com", ".notify.windows.com"] as const;

export function isPushServiceUrl(endpoint: string): boolean {
  try {
    const url = new URL(endpoint);
    return url.protocol === "https:" && PUSH_SERVICE_HOSTS.some((suffix) => `.${url.hostname}`.endsWith(suffix));
  } catch {
    return false;
  }
}

/** POST /api/me/push-subscriptions: what `PushSubscription.toJSON()` gives, and a name for the device. */
export const newPushSubscription = z.object({
  endpoint: z
    .url({ protocol: /^https$/, message: "must be an https URL" })
    .max(2000)
    .refine(isPushServiceUrl, "must be the URL of a browser push service (Google, Mozilla, Apple or Microsoft)"),
  expirationTime: z.number().nullable().optional(),
  keys: z.object({ p256dh: base64url(80, 100), auth: base64url(16, 32) }),
  /** Shown in the agent's list of devices; the console derives it from the user agent. */
  device: text().trim().min(1).max(100),
});
export type NewPushSubscription = z.infer<typeof newPushSubscription>;

export const pushDeviceView = z.object({
  id: z.string(),
  device: z.string(),
  /** The push service's host, e.g. fcm.googleapis.com: tells two devices of one name apart. */
  service: z.string(),
  createdAt: z.string(),
  lastSentAt: z.string().nullable(),
});
export type PushDeviceView = z.infer<typeof pushDeviceView>;

/** GET /api/me/push-subscriptions: the VAPID public key to subscribe with, and the agent's devices. */
export const pushDevicesResponse = z.object({ publicKey: z.string(), devices: z.array(pushDeviceView) });
export type PushDevicesResponse = z.infer<typeof pushDevicesResponse>;

export const pushKind = z.enum(["conversation", "message", "call"]);
export type PushKind = z.infer<typeof pushKind>;

/** The JSON each push carries to the service worker, which shows it as a notification. */
export const pushPayload = z.object({
  kind: pushKind,
  title: z.string(),
  body: z.string(),
  /** The console path it opens, below /console (e.g. /conversations/<id>, /calls/<id>). */
  path: z.string(),
  /** One notification per conversation or call: a newer one replaces it. */
  tag: z.string(),
  /** Ringing calls: the Accept and Reject buttons, in the agent's language. */
  actions: z.array(z.object({ action: z.enum(["accept", "reject"]), title: z.string() })).optional(),
});
export type PushPayload = z.infer<typeof pushPayload>;
