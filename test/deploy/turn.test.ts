import { createHmac, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Frame, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable, CHROMIUM, chromiumArgs } from "../support/browser.ts";
import { CALL_PC, type CallStage, openWidget, pcState, signInConsole, startCallStage } from "../support/callPages.ts";
import {
  type Nginx,
  type NginxPorts,
  nginxAvailable,
  nginxConfig,
  selfSignedCertificate,
  startNginx,
  startTurnserver,
  type Turnserver,
  turnserverAvailable,
} from "../support/deployRecipe.ts";
import { freePort } from "../support/process.ts";
import { addAgent } from "../support/testApp.ts";

// The recipe's coturn (deploy/coturn/turnserver.conf, Debian's coturn) in TURN shared-secret mode,
// with destek handing each call's participants their credentials (TURN_SECRET). Both browsers are
// made to use relayed candidates only, as behind a firewall that lets no peer-to-peer traffic
// through: the call connects only if coturn accepts destek's credentials and relays the media.

/**
 * Every RTCPeerConnection of the page uses relay candidates only, whatever the page asks for: the
 * test's stand-in for a network where only TURN gets through. Nothing in destek's code changes.
 */
const RELAY_ONLY = `{
  const Native = window.RTCPeerConnection;
  if (Native) {
    window.RTCPeerConnection = class extends Native {
      constructor(config, ...rest) { super({ ...(config || {}), iceTransportPolicy: "relay" }, ...rest); }
      setConfiguration(config) { return super.setConfiguration({ ...(config || {}), iceTransportPolicy: "relay" }); }
    };
  }
}`;

/** The call's selected candidate pair: the local and remote candidates' types, and bytes received over it. */
const selectedPair = (target: Page | Frame) =>
  target.evaluate(`(async () => {
    const stats = await ${CALL_PC}.getStats();
    let pairId;
    stats.forEach((s) => { if (s.type === "transport" && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId; });
    const pair = pairId && stats.get(pairId);
    if (!pair) return null;
    const local = stats.get(pair.localCandidateId);
    return {
      local: local?.candidateType,
      localAddress: local?.address + ":" + local?.port,
      remote: stats.get(pair.remoteCandidateId)?.candidateType,
      bytesReceived: pair.bytesReceived,
    };
  })()`) as Promise<{ local: string; localAddress: string; remote: string; bytesReceived: number } | null>;

/** The types of every local candidate the page gathered for its call. */
const localCandidateTypes = (target: Page | Frame) =>
  target.evaluate(`(async () => {
    const types = new Set();
    (await ${CALL_PC}.getStats()).forEach((s) => { if (s.type === "local-candidate") types.add(s.candidateType); });
    return [...types];
  })()`) as Promise<string[]>;

/** How many relay candidates a fresh connection in the page gathers with these credentials. */
const relayCandidates = (page: Page, server: { urls: string; username: string; credential: string }) =>
  page.evaluate(`(async () => {
    const pc = new RTCPeerConnection({ iceServers: [${JSON.stringify(server)}], iceTransportPolicy: "relay" });
    pc.createDataChannel("probe");
    let relays = 0;
    pc.onicecandidate = (e) => { if (e.candidate && e.candidate.type === "relay") relays++; };
    const done = new Promise((resolve) => { pc.onicegatheringstatechange = () => { if (pc.iceGatheringState === "complete") resolve(); }; });
    await pc.setLocalDescription(await pc.createOffer());
    await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 15000))]);
    pc.close();
    return relays;
  })()`) as Promise<number>;

describe.runIf(turnserverAvailable() && browserAvailable())("a relay-only call through the recipe's coturn", () => {
  const dir = mkdtempSync(join(tmpdir(), "destek-turn-"));
  const secret = randomBytes(24).toString("hex");
  let turn: Turnserver;
  let stage: CallStage;
  let relayPorts: [number, number];
  let turnUrl: string;
  let nginx: Nginx | undefined;
  let nginxPorts: NginxPorts;

  beforeAll(async () => {
    const port = await freePort();
    // A relay range of its own, away from the ports freePort hands out to other tests.
    const low = 50_000 + Math.floor(Math.random() * 7000) * 2;
    relayPorts = [low, low + 40];
    const cert = selfSignedCertificate(dir);
    const tlsPort = await freePort();
    turn = await startTurnserver(dir, { port, tlsPort, relayPorts, secret, cert });
    // nginx in front, as in the recipe: port 443 (here a free port) carries TURN over TLS too.
    nginxPorts = { https: await freePort(), http: await freePort(), site: await freePort(), turnHop: await freePort(), turnTls: tlsPort };
    const nginxDir = join(dir, "nginx");
    mkdirSync(nginxDir);
    if (nginxAvailable()) nginx = await startNginx(nginxDir, nginxConfig(nginxDir, { upstreams: [await freePort(), await freePort()], ports: nginxPorts, cert }), nginxPorts.https);
    turnUrl = `turn:127.0.0.1:${port}?transport=udp`;
    stage = await startCallStage({ ICE_SERVERS: turnUrl, TURN_SECRET: secret });
  }, 60_000);

  afterAll(async () => {
    await stage?.close();
    await turn?.stop();
    await nginx?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("connects both sides over relayed candidates only, with destek's short-lived credentials", async () => {
    const { t, browser, shop } = stage;
    await addAgent(t.deps, "ece", { telegramChatId: "737373" });
    const agent = await signInConsole(browser, t, "ece", "737373", { initScript: RELAY_ONLY });
    const { frame } = await openWidget(browser, shop.url, undefined, { initScript: RELAY_ONLY });
    await frame.getByRole("button", { name: "Call" }).click();
    await agent.getByRole("button", { name: "Accept" }).click({ timeout: 30_000 });

    await expect.poll(() => pcState(agent), { timeout: 45_000 }).toBe("connected");
    await expect.poll(() => pcState(frame), { timeout: 45_000 }).toBe("connected");
    for (const side of [agent, frame]) {
      expect(await side.evaluate(`${CALL_PC}.getConfiguration().iceTransportPolicy`)).toBe("relay");
      // The configuration came from destek: the TURN URL with a per-call username "<expiry>:<call>".
      const servers = (await side.evaluate(`${CALL_PC}.getConfiguration().iceServers`)) as Array<{ urls: string[] | string; username?: string }>;
      expect(servers.some((s) => String(s.urls).includes("turn:127.0.0.1") && /^\d+:/.test(s.username ?? ""))).toBe(true);
      expect(await localCandidateTypes(side)).toEqual(["relay"]);
      await expect.poll(async () => (await selectedPair(side))?.bytesReceived ?? 0, { timeout: 20_000 }).toBeGreaterThan(0);
      const pair = await selectedPair(side);
      expect(pair, turn.log()).toMatchObject({ local: "relay", remote: "relay" });
      // The relayed address is one coturn allocated from the recipe's relay range (which it does
      // only for a request signed with destek's credentials under the shared secret).
      const [address, port] = pair!.localAddress.split(":");
      expect(address).toBe("127.0.0.1");
      expect(Number(port)).toBeGreaterThanOrEqual(relayPorts[0]);
      expect(Number(port)).toBeLessThanOrEqual(relayPorts[1]);
    }

    // coturn checks the credentials: the same kind of username signed with another secret gets no
    // relay, one signed with destek's secret does.
    const username = `${Math.floor(Date.now() / 1000) + 600}:probe`;
    const sign = (key: string) => createHmac("sha1", key).update(username).digest("base64");
    expect(await relayCandidates(agent, { urls: turnUrl, username, credential: sign(`${secret}-not`) })).toBe(0);
    expect(await relayCandidates(agent, { urls: turnUrl, username, credential: sign(secret) })).toBeGreaterThan(0);

  }, 120_000);

  it.runIf(nginxAvailable())("relays TURN over TLS taken in on the site's port 443 by the recipe's nginx", async () => {
    // Chromium checks a turns: server's certificate; this one is self-signed, hence the flag.
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...chromiumArgs(), "--ignore-certificate-errors"] });
    try {
      const page = await browser.newPage();
      const username = `${Math.floor(Date.now() / 1000) + 600}:probe`;
      const credential = createHmac("sha1", secret).update(username).digest("base64");
      // nginx (turn-443.conf) passes the connection asking for the TURN name to coturn's TLS port;
      // one for any other name reaches the web site, where TURN gets nowhere.
      expect(await relayCandidates(page, { urls: `turns:localhost:${nginxPorts.https}?transport=tcp`, username, credential })).toBeGreaterThan(0);
      expect(await relayCandidates(page, { urls: `turns:127.0.0.1:${nginxPorts.https}?transport=tcp`, username, credential })).toBe(0);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
