import webPush from "web-push";
import type { PushSubscriptionRow } from "../db/repositories/push.ts";
import type { PushPayload } from "../../protocol/push.ts";

/** The install's VAPID key pair and the subject push services may contact. */
export interface VapidDetails {
  subject: string;
  publicKey: string;
  privateKey: string;
}

/** How one push went: delivered; `gone` (404/410: the browser unsubscribed); or failed, healing or not. */
export type PushOutcome =
  | { result: "sent" }
  | { result: "gone"; status: number }
  | { result: "failed"; permanent: boolean; reason: string };

const TIMEOUT_MS = 15_000;

/** A fresh VAPID key pair (base64url P-256), made once per install. */
export function newVapidKeys(): { publicKey: string; privateKey: string } {
  return webPush.generateVAPIDKeys();
}

/**
 * Encrypts `payload` for the subscription (RFC 8291, aes128gcm), signs a VAPID JWT for its push
 * service (RFC 8292) and posts it. web-push builds the request; it is sent here with fetch, which
 * takes a timeout and (for tests) a plain-http endpoint too.
 */
export async function sendPush(
  subscription: Pick<PushSubscriptionRow, "endpoint" | "p256dh" | "auth">,
  payload: PushPayload,
  options: { vapid: VapidDetails; ttlS: number; urgency: "high" | "normal" },
): Promise<PushOutcome> {
  const request = webPush.generateRequestDetails(
    { endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
    JSON.stringify(payload),
    { vapidDetails: options.vapid, TTL: options.ttlS, urgency: options.urgency, contentEncoding: "aes128gcm" },
  );
  const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
  let response: Response;
  try {
    response = await fetch(request.endpoint, {
      method: "POST",
      headers,
      body: request.body ? new Uint8Array(request.body) : null,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    return { result: "failed", permanent: false, reason: error instanceof Error ? error.message : String(error) };
  }
  const text = (await response.text().catch(() => "")).slice(0, 200);
  if (response.ok) return { result: "sent" };
  if (response.status === 404 || response.status === 410) return { result: "gone", status: response.status };
  // 429 and 5xx pass; other refusals (a bad key, a payload too large) will not heal by waiting.
  const permanent = response.status !== 429 && response.status < 500;
  return { result: "failed", permanent, reason: `push service answered ${response.status}${text ? `: ${text}` : ""}` };
}
