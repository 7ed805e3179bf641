import { afterEach, describe, expect, it } from "vitest";
import { newVisitorToken } from "../support/chatClients.ts";
import { type LimitedServer, limiterKinds, startLimitedServer, tryVisitorSocket, uniqueLoopback, uniqueRemote } from "../support/limitedServer.ts";

const AUTH_LIMIT = 5;
const ATTEMPTS = 8;

// X-Forwarded-For is written by whoever sends the request: only configured proxies' hops are believed.
describe.each(limiterKinds())("the client address and X-Forwarded-For (%s limiter)", (limiter) => {
  let server: LimitedServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  /** Sign-in attempts from one real client, each claiming another address; returns how many were processed. */
  async function processedLogins(remoteAddress: string, forwardedFor: (i: number) => string | undefined): Promise<number> {
    let processed = 0;
    for (let i = 0; i < ATTEMPTS; i++) {
      const forwarded = forwardedFor(i);
      const res = await server!.app.inject({
        method: "POST",
        url: "/api/auth/login",
        payload: { username: "nobody", password: "wrong password" },
        remoteAddress,
        headers: forwarded ? { "x-forwarded-for": forwarded } : {},
      });
      if (res.statusCode === 429) expect(res.json().error.id).toBe("rate_limited");
      else processed++;
    }
    return processed;
  }

  it("without TRUST_PROXY, a forged X-Forwarded-For changes nothing on HTTP routes", async () => {
    server = await startLimitedServer(limiter, { AUTH_RATE_LIMIT_PER_MINUTE: String(AUTH_LIMIT) });
    expect(await processedLogins(uniqueRemote(), () => uniqueRemote())).toBe(AUTH_LIMIT);
  });

  it("without TRUST_PROXY, a forged X-Forwarded-For does not make a socket another client", async () => {
    server = await startLimitedServer(limiter, { NEW_VISITORS_PER_HOUR: "3" });
    const from = uniqueLoopback();
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await tryVisitorSocket(server.url, { visitorToken: newVisitorToken() }, { from, headers: { "x-forwarded-for": uniqueRemote() } });
      outcomes.push("socket" in r ? "ok" : r.refused.message);
      if ("socket" in r) r.socket.close();
    }
    expect(outcomes).toEqual(["ok", "ok", "ok", "too_many_new_visitors", "too_many_new_visitors"]);
  });

  it("with TRUST_PROXY=true, only the hop the immediate proxy added counts, not what the client wrote", async () => {
    server = await startLimitedServer(limiter, { TRUST_PROXY: "true", AUTH_RATE_LIMIT_PER_MINUTE: String(AUTH_LIMIT) });
    const real = uniqueRemote();
    // The client writes a new address each time; the proxy appends the address it really saw.
    expect(await processedLogins(uniqueRemote(), () => `${uniqueRemote()}, ${real}`)).toBe(AUTH_LIMIT);
    const request = await server.app.inject({ method: "GET", url: "/api/widget/config", remoteAddress: "10.0.0.9", headers: { "x-forwarded-for": `1.2.3.4, ${real}` } });
    expect(request.statusCode).toBe(200);
  });

  it("with a TRUST_PROXY list, hops are believed only from those proxies", async () => {
    server = await startLimitedServer(limiter, { TRUST_PROXY: "10.0.0.0/8, 192.0.2.1", AUTH_RATE_LIMIT_PER_MINUTE: String(AUTH_LIMIT) });
    const real = uniqueRemote();
    // Through two trusted proxies: the first untrusted hop from the right is the client.
    expect(await processedLogins("10.1.2.3", () => `${uniqueRemote()}, ${real}, 192.0.2.1`)).toBe(AUTH_LIMIT);
    // From a peer that is not a listed proxy, its X-Forwarded-For is ignored.
    expect(await processedLogins(uniqueRemote(), () => uniqueRemote())).toBe(AUTH_LIMIT);
  });

  it("uses the same address on HTTP routes and socket handshakes", async () => {
    server = await startLimitedServer(limiter, { TRUST_PROXY: "127.0.0.0/8", NEW_VISITORS_PER_HOUR: "2" });
    const proxy = uniqueLoopback();
    const client = uniqueRemote();
    const headers = { "x-forwarded-for": client };
    // One new visitor over the socket, one made by an upload over HTTP: both count for the same client.
    const first = await tryVisitorSocket(server.url, { visitorToken: newVisitorToken() }, { from: proxy, headers });
    expect("socket" in first).toBe(true);
    if ("socket" in first) first.socket.close();
    const upload = await server.app.inject({
      method: "POST",
      url: "/api/widget/attachments",
      remoteAddress: proxy,
      headers: { ...headers, authorization: `Visitor ${newVisitorToken()}`, "content-type": "multipart/form-data; boundary=b" },
      payload: '--b\r\nContent-Disposition: form-data; name="file"; filename="note.txt"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b--\r\n',
    });
    expect(upload.statusCode).toBe(201);
    const third = await tryVisitorSocket(server.url, { visitorToken: newVisitorToken() }, { from: uniqueLoopback(), headers });
    expect("refused" in third && third.refused.message).toBe("too_many_new_visitors");
    const elsewhere = await tryVisitorSocket(server.url, { visitorToken: newVisitorToken() }, { from: proxy, headers: { "x-forwarded-for": uniqueRemote() } });
    expect("socket" in elsewhere).toBe(true);
    if ("socket" in elsewhere) elsewhere.socket.close();
  });
});
