import { createECDH, createDecipheriv, createHmac, createPublicKey, randomBytes, verify } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

// A stand-in for a browser push service and the browser behind it: it keeps each subscription's
// private key and auth secret, decrypts what the server posts (RFC 8291, aes128gcm, with node:crypto
// only) and checks the VAPID JWT (RFC 8292) before it counts a push as received.

export interface ReceivedPush {
  /** The subscription's name (the last path segment of its endpoint). */
  name: string;
  headers: IncomingHttpHeaders;
  payload: unknown;
  jwt: { aud: string; exp: number; sub: string };
  /** The `k=` of the Authorization header: the VAPID public key the JWT is signed with. */
  vapidKey: string;
}

interface Keys {
  ecdh: ReturnType<typeof createECDH>;
  auth: Buffer;
}

const hmac = (key: Buffer, data: Buffer) => createHmac("sha256", key).update(data).digest();

/** Decrypts one aes128gcm body (a single record) for the subscription's keys. */
export function decryptAes128gcm(body: Buffer, keys: Keys): Buffer {
  const salt = body.subarray(0, 16);
  const idLength = body.readUInt8(20);
  const serverPublic = body.subarray(21, 21 + idLength);
  const ciphertext = body.subarray(21 + idLength);
  const secret = keys.ecdh.computeSecret(serverPublic);
  const keyInfo = Buffer.concat([Buffer.from("WebPush: info\0"), keys.ecdh.getPublicKey(), serverPublic]);
  const ikm = hmac(hmac(keys.auth, secret), Buffer.concat([keyInfo, Buffer.from([1])])).subarray(0, 32);
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from("Content-Encoding: aes128gcm\0\x01")).subarray(0, 16);
  const nonce = hmac(prk, Buffer.from("Content-Encoding: nonce\0\x01")).subarray(0, 12);
  const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  // The last record ends with the delimiter 0x02, then any padding zeros.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error("no last-record delimiter");
  return padded.subarray(0, end);
}

/** Checks the ES256 signature of a VAPID JWT with the raw public key it names; returns its claims. */
export function verifyVapidJwt(token: string, publicKey: string): { aud: string; exp: number; sub: string } {
  const [header, claims, signature] = token.split(".");
  if (!header || !claims || !signature) throw new Error("not a JWT");
  const point = Buffer.from(publicKey, "base64url");
  const key = createPublicKey({
    key: { kty: "EC", crv: "P-256", x: point.subarray(1, 33).toString("base64url"), y: point.subarray(33, 65).toString("base64url") },
    format: "jwk",
  });
  const ok = verify("sha256", Buffer.from(`${header}.${claims}`), { key, dsaEncoding: "ieee-p1363" }, Buffer.from(signature, "base64url"));
  if (!ok) throw new Error("bad VAPID signature");
  if (JSON.parse(Buffer.from(header, "base64url").toString()).alg !== "ES256") throw new Error("not ES256");
  return JSON.parse(Buffer.from(claims, "base64url").toString()) as { aud: string; exp: number; sub: string };
}

export class PushReceiver {
  readonly received: ReceivedPush[] = [];
  /** Status codes to answer per subscription name, one per push, before answering 201. */
  readonly answers = new Map<string, number[]>();
  private readonly keys = new Map<string, Keys>();
  private server: Server | undefined;
  url = "";

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const name = decodeURIComponent(request.url?.split("/").pop() ?? "");
        const status = this.answers.get(name)?.shift();
        if (status !== undefined) {
          response.writeHead(status).end();
          return;
        }
        const keys = this.keys.get(name);
        try {
          if (!keys) throw new Error(`unknown subscription ${name}`);
          const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(request.headers.authorization ?? "");
          if (!match?.[1] || !match[2]) throw new Error("no VAPID authorization");
          if (request.headers["content-encoding"] !== "aes128gcm") throw new Error("not aes128gcm");
          const jwt = verifyVapidJwt(match[1], match[2]);
          const payload = JSON.parse(decryptAes128gcm(Buffer.concat(chunks), keys).toString("utf8")) as unknown;
          this.received.push({ name, headers: request.headers, payload, jwt, vapidKey: match[2] });
          response.writeHead(201).end();
        } catch (error) {
          response.writeHead(400, { "content-type": "text/plain" }).end(String(error));
        }
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A new browser subscription named `name`: what a browser's PushSubscription.toJSON() gives. */
  subscribe(name: string): { endpoint: string; keys: { p256dh: string; auth: string } } {
    const ecdh = createECDH("prime256v1");
    ecdh.generateKeys();
    const auth = randomBytes(16);
    this.keys.set(name, { ecdh, auth });
    return { endpoint: `${this.url}/push/${encodeURIComponent(name)}`, keys: { p256dh: ecdh.getPublicKey().toString("base64url"), auth: auth.toString("base64url") } };
  }

  of(name: string): ReceivedPush[] {
    return this.received.filter((push) => push.name === name);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
