import { randomUUID } from "node:crypto";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { browserAvailable } from "../support/browser.ts";
import { type CallStage, inboundAudioBytes, openWidget, pcState, type Shop, signInConsole, startCallStage } from "../support/callPages.ts";
import type { SentMessage } from "../support/fakeTelegram.ts";
import { addAgent, type TestServer } from "../support/testApp.ts";

const KEREM = "747474";
const NAZLI = "757575";

// Accept pressed in Telegram, then the bot's link opens the console at the call: the console joins
// it as the offerer and the caller is connected. Other consoles at that link see the call as it stands.
describe.runIf(browserAvailable())("a call accepted in Telegram, talked in the console", () => {
  let stage: CallStage;
  let t: TestServer;
  let browser: Browser;
  let shop: Shop;

  beforeAll(async () => {
    stage = await startCallStage();
    ({ t, browser, shop } = stage);
    await addAgent(t.deps, "kerem", { telegramChatId: KEREM });
    await addAgent(t.deps, "nazli", { telegramChatId: NAZLI });
    await t.deps.telegram!.start(t.deps);
  });
  afterAll(() => stage?.close());

  const hasButton = (m: SentMessage, data: string) =>
    JSON.stringify(m.reply_markup ?? {}).includes(`"callback_data":"${data}`);

  it("joins the call from the link, and shows others who took it and when it is over", async () => {
    const kerem = await signInConsole(browser, t, "kerem", KEREM);
    const nazli = await signInConsole(browser, t, "nazli", NAZLI);
    const { frame } = await openWidget(browser, shop.url);
    await frame.getByRole("button", { name: "Call" }).click();

    const alert = await t.telegram.waitForSent((m) => String(m.chat_id) === KEREM && hasButton(m, "call:accept:"), 20_000);
    const callId = (await t.deps.domain.db.selectFrom("calls").select("id").executeTakeFirstOrThrow()).id;
    expect(hasButton(alert, `call:accept:${callId}`)).toBe(true);

    // Opened at a waiting call: it rings there, focused, with Accept and Reject.
    await nazli.goto(`${t.url}/console/calls/${callId}`);
    const focused = nazli.locator(".incoming-call-focused");
    await focused.getByRole("button", { name: "Accept" }).waitFor({ timeout: 20_000 });
    await focused.getByRole("button", { name: "Reject" }).waitFor();

    // Kerem accepts in Telegram: the call is his, and the bot links him to the console.
    t.telegram.pushCallbackQuery(Number(KEREM), `call:accept:${callId}`, alert);
    const link = await t.telegram.waitForSent((m) => String(m.chat_id) === KEREM && String(m.text).includes(`/console/calls/${callId}`));
    const keremId = (await findAgentByUsername(t.deps.domain.db, "kerem"))!.id;
    expect(await t.deps.domain.db.selectFrom("calls").selectAll().executeTakeFirstOrThrow()).toMatchObject({ status: "active", agent_id: keremId });

    // Nazlı, still at the call, now sees who took it.
    await nazli.getByText("Agent kerem took this call.").first().waitFor({ timeout: 20_000 });
    await expect.poll(() => nazli.getByRole("button", { name: "Accept" }).count()).toBe(0);

    // Kerem follows the link (the path of it: PUBLIC_URL is not this test server's port).
    const path = new URL(String(link.text).match(/https?:\/\/\S+/)![0]).pathname;
    expect(path).toBe(`/console/calls/${callId}`);
    await kerem.goto(`${t.url}${path}`);
    await kerem.getByRole("button", { name: "Hang up" }).waitFor({ timeout: 20_000 });
    await expect.poll(() => pcState(kerem), { timeout: 20_000 }).toBe("connected");
    await expect.poll(() => pcState(frame), { timeout: 20_000 }).toBe("connected");
    const before = await inboundAudioBytes(kerem);
    await expect.poll(() => inboundAudioBytes(kerem), { timeout: 20_000 }).toBeGreaterThan(before);

    // Another console opening that link sees the call taken; once over, it says so.
    await nazli.goto(`${t.url}/console/calls/${callId}`);
    await nazli.getByRole("dialog", { name: "Agent kerem took this call." }).waitFor({ timeout: 20_000 });
    expect(await pcState(nazli)).toBe("none");
    await frame.getByRole("button", { name: "Hang up" }).click();
    await nazli.getByRole("dialog", { name: "This call is over." }).waitFor({ timeout: 20_000 });
    await expect.poll(() => kerem.getByRole("button", { name: "Hang up" }).count(), { timeout: 20_000 }).toBe(0);
    expect((await t.deps.domain.db.selectFrom("calls").selectAll().executeTakeFirstOrThrow()).status).toBe("ended");

    // A link to no call at all.
    await nazli.goto(`${t.url}/console/calls/${randomUUID()}`);
    await nazli.getByRole("dialog", { name: "This call doesn't exist." }).waitFor({ timeout: 20_000 });
    await nazli.getByRole("button", { name: "Close" }).click();
    await expect.poll(() => new URL(nazli.url()).pathname).toBe("/console/");
  }, 150_000);
});
