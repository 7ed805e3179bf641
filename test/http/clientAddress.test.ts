import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.ts";
import { clientAddress, trustFunction } from "../../src/http/clientAddress.ts";

/** A raw request as Node hands it to Fastify and Socket.IO: a peer address and headers. */
const requestFrom = (peer: string, forwardedFor?: string) =>
  ({ socket: { remoteAddress: peer }, connection: { remoteAddress: peer }, headers: forwardedFor ? { "x-forwarded-for": forwardedFor } : {} }) as unknown as IncomingMessage;

describe("TRUST_PROXY", () => {
  it("reads true/false and a list of proxy addresses and CIDRs", () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: "true" }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: "no" }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: "10.0.0.0/8, 127.0.0.1,::1" }).trustProxy).toEqual(["10.0.0.0/8", "127.0.0.1", "::1"]);
  });

  it.each(["10.0.0.0/33", "10.0.0.0/8,proxy.example.com", "300.1.1.1", "10.0.0.1,,10.0.0.2"])("refuses %s with a clear message", (value) => {
    let error: unknown;
    try {
      loadConfig({ TRUST_PROXY: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/^Invalid configuration: TRUST_PROXY must be true, false or a comma-separated list of proxy addresses and CIDRs/);
    expect((error as Error).message).toMatch(/is not an IP address or CIDR/);
  });
});

describe("clientAddress", () => {
  it("without trust, is the peer whatever X-Forwarded-For says", () => {
    expect(clientAddress(requestFrom("203.0.113.9", "1.2.3.4"), trustFunction(false))).toBe("203.0.113.9");
  });

  it("with true, believes only the hop the immediate peer added", () => {
    const trust = trustFunction(true);
    expect(clientAddress(requestFrom("10.0.0.2", "6.6.6.6, 5.5.5.5, 198.51.100.7"), trust)).toBe("198.51.100.7");
    expect(clientAddress(requestFrom("10.0.0.2"), trust)).toBe("10.0.0.2");
  });

  it("with a list, walks back through listed proxies only", () => {
    const trust = trustFunction(["10.0.0.0/8", "192.0.2.1"]);
    expect(clientAddress(requestFrom("10.1.1.1", "6.6.6.6, 198.51.100.7, 192.0.2.1"), trust)).toBe("198.51.100.7");
    expect(clientAddress(requestFrom("10.1.1.1", "6.6.6.6, 10.9.9.9"), trust)).toBe("6.6.6.6");
    // A peer that is not a listed proxy is the client, whatever it claims.
    expect(clientAddress(requestFrom("198.51.100.50", "6.6.6.6"), trust)).toBe("198.51.100.50");
  });
});
