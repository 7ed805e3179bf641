import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type WebhookPayload, webhookPayload } from "../../src/protocol/webhooks.ts";

export interface ReceivedDelivery {
  headers: IncomingHttpHeaders;
  body: string;
  payload: WebhookPayload;
  /** The X-Destek-Signature matched HMAC-SHA256(secret, timestamp + "." + body), as a receiver checks it. */
  signatureValid: boolean;
  deliveryId: string;
}

/**
 * A webhook receiver as an integrator writes one, on node:http: it checks each delivery's
 * signature with the secret it was given, parses the payload with the protocol's schema, and
 * answers `status` (200 unless a test makes it fail). It can be stopped and started again on the
 * same port, to play a receiver that is down.
 */
export class WebhookReceiver {
  readonly received: ReceivedDelivery[] = [];
  secret = "";
  /** The answer to each delivery; a test sets it to fail some. */
  answer: (payload: WebhookPayload) => number = () => 200;
  private server: Server | undefined;
  private port = 0;

  async start(): Promise<this> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const payload = webhookPayload.parse(JSON.parse(body));
        const status = this.answer(payload);
        if (status >= 200 && status < 300) {
          this.received.push({
            headers: request.headers,
            body,
            payload,
            signatureValid: verify(this.secret, request.headers, body),
            deliveryId: String(request.headers["x-destek-delivery"]),
          });
        }
        response.writeHead(status, { "content-type": "text/plain" }).end(status < 300 ? "thanks" : "not now");
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  /** Closes the port: deliveries are refused until start() again. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/destek`;
  }

  events(): string[] {
    return this.received.map((r) => r.payload.event);
  }
}

/** The check of README's "Webhooks" section: HMAC over "<timestamp>.<body>", compared in constant time. */
function verify(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const timestamp = headers["x-destek-timestamp"];
  const signature = headers["x-destek-signature"];
  if (typeof timestamp !== "string" || typeof signature !== "string") return false;
  const expected = `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
  return signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}
