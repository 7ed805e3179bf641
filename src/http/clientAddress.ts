import type { IncomingMessage } from "node:http";
import proxyAddr from "proxy-addr";

/** Which X-Forwarded-For hops are believed: none, the immediate peer's only, or those of listed proxies. */
export type TrustProxy = false | true | string[];

/** Tells whether the hop at `address` (the i-th from the server) is a proxy whose word we take. */
export type TrustFunction = (address: string, hop: number) => boolean;

/**
 * One trust rule for every edge: Fastify's `trustProxy` and the Socket.IO handshake both use it, so
 * HTTP routes and sockets see the same client address.
 * `true` trusts the immediate peer only: the client is the last X-Forwarded-For entry that peer
 * added, never an entry the client wrote itself.
 */
export function trustFunction(trust: TrustProxy): TrustFunction {
  if (trust === false) return () => false;
  if (trust === true) return (_address, hop) => hop === 0;
  const trusted = proxyAddr.compile(trust);
  return (address, hop) => trusted(address, hop);
}

/** Checks a TRUST_PROXY list entry: an IP address or CIDR that proxy-addr understands. Returns an error or null. */
export function proxyListError(entries: string[]): string | null {
  for (const entry of entries) {
    try {
      proxyAddr.compile(entry);
    } catch {
      return `has an invalid proxy address or CIDR ${JSON.stringify(entry)}`;
    }
  }
  return null;
}

/** The client's address of a raw request (an HTTP request or a Socket.IO handshake). */
export function clientAddress(request: IncomingMessage, trust: TrustFunction): string {
  return proxyAddr(request, trust);
}
