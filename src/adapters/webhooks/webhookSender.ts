import { createHmac } from "node:crypto";
import { type LookupAddress, lookup as dnsLookup } from "node:dns";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { hostOf, isPrivateAddress } from "../../domain/webhooks/webhookAddress.ts";
import { WEBHOOK_HEADERS } from "../../protocol/webhooks.ts";

// One POST of a webhook delivery: the body as stored, signed over "<timestamp>.<body>" with the
// webhook's secret (HMAC-SHA256, hex, `sha256=` prefix, as Chatwoot signs since PR #13573). No
// redirect is followed, the whole try has a time limit, and unless private addresses are allowed
// the connection only goes to public addresses: a name is resolved here and each of its addresses
// checked, and the socket connects to the address that passed (no second lookup to rebind).

const SNIPPET_BYTES = 1024;

export interface WebhookPost {
  url: string;
  body: string;
  secret: string;
  deliveryId: string;
  event: string;
  /** Unix seconds, sent and signed. */
  timestamp: number;
}

export interface WebhookAnswer {
  /** The HTTP status; null when no answer came (refused, timed out, a private address). */
  status: number | null;
  /** The start of the answer's body, or why there was none. */
  snippet: string | null;
  error: string | null;
}

/** `sha256=<hex>` of HMAC-SHA256(secret, `${timestamp}.${body}`): the X-Destek-Signature value. */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

class PrivateAddressError extends Error {
  constructor(address: string) {
    super(`refused: ${address} is a private or loopback address (WEBHOOK_ALLOW_PRIVATE is off)`);
  }
}

/** A DNS lookup that fails when the name resolves to any address that is not public. */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, "", 0);
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    if (bad) return callback(new PrivateAddressError(bad.address), "", 0);
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    if (!first) return callback(new Error(`no address for ${hostname}`), "", 0);
    callback(null, first.address, first.family);
  });
};

/** Posts one delivery; never throws: every outcome is an answer to log. */
export function postWebhook(post: WebhookPost, options: { timeoutMs: number; allowPrivate: boolean }): Promise<WebhookAnswer> {
  return new Promise((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const done = (answer: WebhookAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const fail = (error: unknown) => done({ status: null, snippet: null, error: describe(error) });
    let url: URL;
    try {
      url = new URL(post.url);
    } catch (error) {
      fail(error);
      return;
    }
    const host = hostOf(url);
    if (!options.allowPrivate && isIP(host) && isPrivateAddress(host)) {
      fail(new PrivateAddressError(host));
      return;
    }
    const client = url.protocol === "https:" ? https : http;
    const request = client.request(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(post.body),
        "user-agent": "destek-webhooks/1",
        [WEBHOOK_HEADERS.signature]: webhookSignature(post.secret, post.timestamp, post.body),
        [WEBHOOK_HEADERS.timestamp]: String(post.timestamp),
        [WEBHOOK_HEADERS.delivery]: post.deliveryId,
        [WEBHOOK_HEADERS.event]: post.event,
      },
      ...(options.allowPrivate ? {} : { lookup: publicOnlyLookup }),
      agent: false,
    });
    timer = setTimeout(() => {
      request.destroy(new Error(`timed out after ${options.timeoutMs / 1000} s`));
    }, options.timeoutMs);
    request.on("error", fail);
    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = () => {
        const status = response.statusCode ?? null;
        const snippet = Buffer.concat(chunks).subarray(0, SNIPPET_BYTES).toString("utf8").replace(/\uFFFD+$/, "");
        const ok = status !== null && status >= 200 && status < 300;
        done({ status, snippet: snippet || null, error: ok ? null : `HTTP ${status ?? "?"}` });
        response.destroy();
      };
      response.on("data", (chunk: Buffer) => {
        if (size >= SNIPPET_BYTES) return;
        chunks.push(chunk);
        size += chunk.length;
        if (size >= SNIPPET_BYTES) finish();
      });
      response.on("end", finish);
      response.on("error", finish);
    });
    request.end(post.body);
  });
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return (code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message).slice(0, 500);
  }
  return String(error).slice(0, 500);
}
