import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Socket } from "socket.io-client";
import { newClientId, newVisitorToken, openSocket, request } from "../support/chatClients.ts";
import { FakeTelegram } from "../support/fakeTelegram.ts";
import { waitFor } from "../support/process.ts";
import { Cluster, clusterUrls, type Node } from "../support/twoNodes.ts";

const urls = clusterUrls();
const TEAM_CHAT = "-100424242";

// Both nodes contend for the Telegram lease (one getUpdates consumer and one outbox sender per
// bot). The holder is killed with SIGKILL while it is sending an alert (the fake Bot API holds that
// request, so it never lands): the other node takes the lease over within 30 s, re-claims the row
// the dead node had leased, and every alert, sent before, during and after the kill, reaches the
// Bot API exactly once.
describe.runIf(urls)("the Telegram lease when its holder is killed", () => {
  const telegram = new FakeTelegram();
  let cluster: Cluster;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    await telegram.start();
    cluster = await new Cluster(urls!, {
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      TELEGRAM_ADMIN_CHAT_ID: TEAM_CHAT,
      TELEGRAM_ALERT_FLOOD_PER_MINUTE: "1000",
    }).open();
    await Promise.all([cluster.start("a"), cluster.start("b")]);
  }, 400_000);
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await cluster?.close();
    await telegram.stop();
  });

  const polling = (node: Node) => node.log().some((l) => l.msg === "telegram polling started");
  const alertsFor = (body: string) => telegram.sent.filter((m) => String(m.chat_id) === TEAM_CHAT && String(m.text ?? m.caption).includes(body));
  const visitorOn = async (node: Node) => {
    const socket = await openSocket(`${node.url}/visitor`, { visitorToken: newVisitorToken() });
    sockets.push(socket);
    return (body: string) => request(socket, "message:send", { clientId: newClientId(), body });
  };

  it("moves to the other node within 30 s of the kill, and delivers every alert once", async () => {
    const [a, b] = cluster.nodes as [Node, Node];
    // One node leads; the other keeps trying.
    const holder = await waitFor(() => (polling(a) ? a : polling(b) ? b : undefined), 30_000, () => "a node to start polling Telegram");
    const survivor = holder === a ? b : a;
    expect(polling(survivor)).toBe(false);

    // Before: one visitor on each node; the holder delivers both nodes' alerts.
    const onHolder = await visitorOn(holder);
    const onSurvivor = await visitorOn(survivor);
    await onHolder("before 0");
    await onSurvivor("before 1");
    await onHolder("before 2");
    await waitFor(() => (alertsFor("before 2").length ? true : undefined), 30_000, () => "the alerts before the kill");

    // During: the holder is killed mid-send (its lease on the row stays in the database).
    const inFlight = telegram.hold((r) => r.method === "sendMessage" && String(r.args.text).includes("during 0"));
    await onSurvivor("during 0");
    await inFlight.reached;
    const killedAt = Date.now();
    holder.process.kill("SIGKILL");
    await holder.process.closed;
    await onSurvivor("during 1");
    await onSurvivor("during 2");

    await waitFor(() => (polling(survivor) ? true : undefined), 60_000, () => "the survivor to take the lease over");
    const takeoverMs = Date.now() - killedAt;
    // After: alerts queued once the survivor leads.
    await onSurvivor("after 0");
    await onSurvivor("after 1");
    const bodies = ["before 0", "before 1", "before 2", "during 0", "during 1", "during 2", "after 0", "after 1"];
    await waitFor(() => (bodies.every((body) => alertsFor(body).length > 0) ? true : undefined), 90_000, () => `every alert; sent: ${JSON.stringify(telegram.sent.map((m) => m.text))}`);
    const deliveredMs = Date.now() - killedAt;
    console.log(`Telegram lease taken over ${takeoverMs} ms after the kill; every alert delivered ${deliveredMs} ms after it`);
    expect(takeoverMs).toBeLessThan(30_000);
    expect(deliveredMs).toBeLessThan(45_000);

    // Every row settles (the last is marked sent just after its post), and then each alert is there once.
    const pending = async () => (await cluster.db.selectFrom("outbox").select("id").where("status", "=", "pending").execute()).length;
    await expect.poll(pending, { timeout: 20_000 }).toBe(0);
    for (const body of bodies) expect(alertsFor(body), body).toHaveLength(1);
  }, 400_000);
});
