import type { Browser, Frame, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identityHash, identitySecret } from "../../src/domain/chat/identity.ts";
import { browserAvailable, launchChromium } from "../support/browser.ts";
import { type Shop, signInConsole, startShop, visitorPage as newVisitorPage, widgetFrame } from "../support/callPages.ts";
import { addAgent, PASSWORD, startTestServer, type TestServer } from "../support/testApp.ts";

const USER_ID = "shop-user-42";
const HOST_TOKEN_KEY = "destek:frame:destek:visitor";

// A shop with signed-in users: its page queues window.destek.identify() before the loader runs, the
// agent sees the Verified badge, a second device of the same user sees the same history, and a
// sign-out on the shop starts a fresh anonymous visitor that sees none of it.
describe.runIf(browserAvailable())("verified signed-in users through the widget and the console", () => {
  let t: TestServer;
  let browser: Browser;
  let destek: string;
  let shopServer: Shop;
  let shop: string;

  beforeAll(async () => {
    // The default pre-chat form (name and e-mail, optional): the site's signed-in user skips it.
    t = await startTestServer();
    destek = t.url;
    const userHash = identityHash(identitySecret(t.deps.domain), USER_ID);
    const user = JSON.stringify({ userId: USER_ID, name: "Derya Demir", email: "derya@example.com", userHash });
    // The shop's page on another origin; identify() is called before widget.js has loaded.
    // On /forged the page claims a user with a signature made without the secret, on the script tag.
    const forged = `data-user-id="other-user" data-user-name="Mallory" data-user-hash="${identityHash("guessed", "other-user")}"`;
    shopServer = await startShop(t, (path) =>
      path === "/forged"
        ? { attributes: forged }
        : {
            before: `<script>
  window.destek = window.destek || { q: [] };
  window.destek.identify = window.destek.identify || ((user) => window.destek.q.push(["identify", user]));
  window.destek.identify(${user});
</script>
`,
          },
    );
    shop = shopServer.url;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    shopServer?.close();
    await t.close();
  });

  const visitorPage = () => newVisitorPage(browser);

  async function openWidget(page: Page, path = ""): Promise<Frame> {
    await page.goto(`${shop}${path}`);
    await page.getByRole("button", { name: "Open chat" }).click();
    return widgetFrame(page);
  }

  let admin: Page | undefined;
  async function adminConsole(): Promise<Page> {
    if (admin) return admin;
    await addAgent(t.deps, "patron", { telegramChatId: "626262", admin: true });
    admin = await signInConsole(browser, t, "patron", "626262");
    return admin;
  }

  it("marks the user Verified, keeps one history across devices, and forgets it on sign-out", async () => {
    const agent = await adminConsole();
    const phone = await visitorPage();
    const phoneFrame = await openWidget(phone);
    await phoneFrame.getByLabel("Message").fill("Hello from my phone");
    await phoneFrame.getByRole("button", { name: "Send" }).click();

    // The console lists the site's name for the user, with the Verified badge, here and in the details.
    const item = agent.locator(".conversation-item", { hasText: "Derya Demir" });
    await item.getByText("Verified").waitFor({ timeout: 15_000 });
    await item.click();
    await agent.getByText("Hello from my phone").first().waitFor({ timeout: 15_000 });
    // The panel is open by default on a wide screen; the toggle only shows on narrow ones.
    const toggle = agent.locator("[data-details-toggle]");
    if ((await toggle.isVisible()) && (await toggle.getAttribute("aria-expanded")) !== "true") await toggle.click();
    await agent.locator(".visitor-card").getByText("Verified").waitFor();

    // Another device of the same user: the same conversation, with the earlier message.
    const laptop = await visitorPage();
    const laptopFrame = await openWidget(laptop);
    await laptopFrame.getByText("Hello from my phone").waitFor({ timeout: 15_000 });
    await laptopFrame.getByLabel("Message").fill("And from my laptop");
    await laptopFrame.getByRole("button", { name: "Send" }).click();
    await phoneFrame.getByText("And from my laptop").waitFor({ timeout: 15_000 });
    await expect.poll(() => agent.locator(".conversation-item", { hasText: "Derya Demir" }).count()).toBe(1);

    // The shop signs the user out: the widget starts over as a new anonymous visitor.
    const before = await laptop.evaluate<string | null>(`localStorage.getItem(${JSON.stringify(HOST_TOKEN_KEY)})`);
    expect(before).toMatch(/^[\w-]{43}$/);
    await laptop.evaluate("window.destek.identify(null)");
    await expect.poll(() => laptop.evaluate<string | null>(`localStorage.getItem(${JSON.stringify(HOST_TOKEN_KEY)})`), { timeout: 15_000 }).not.toBe(before);
    // A new anonymous visitor: asked who they are, like anyone new.
    await laptopFrame.getByRole("button", { name: "Skip" }).click({ timeout: 15_000 });
    await laptopFrame.getByLabel("Message").fill("Signed out now");
    await laptopFrame.getByRole("button", { name: "Send" }).click();
    // It reaches the agent as another, unverified visitor's conversation.
    const anonymous = agent.locator(".conversation-item", { hasText: "Signed out now" });
    await anonymous.waitFor({ timeout: 15_000 });
    expect(await anonymous.getByText("Verified").count()).toBe(0);
    expect(await anonymous.getByText("Derya Demir").count()).toBe(0);
    await laptopFrame.getByText("Signed out now").waitFor();
    expect(await laptopFrame.getByText("Hello from my phone").count()).toBe(0);
    expect(await laptopFrame.getByText("And from my laptop").count()).toBe(0);

    // The admin finds the identity secret under Settings, beside the code that uses it.
    await agent.goto(`${destek}/console/settings`);
    await expect.poll(() => agent.locator(".copyable-value").first().textContent(), { timeout: 15_000 }).toBe(identitySecret(t.deps.domain));
    await agent.getByText('createHmac("sha256"', { exact: false }).waitFor();
    await agent.getByRole("button", { name: "Copy" }).first().waitFor();

    // Changing a second factor asks for the current password again.
    await agent.getByRole("button", { name: "Set up authenticator app" }).click();
    await agent.getByText("Enter your current password first.").waitFor();
    await agent.getByLabel("Current password").fill("not my password");
    await agent.getByRole("button", { name: "Set up authenticator app" }).click();
    await agent.getByText("The current password is wrong.").waitFor();
    await agent.getByLabel("Current password").fill(PASSWORD);
    await agent.getByRole("button", { name: "Set up authenticator app" }).click();
    await agent.getByRole("button", { name: "Turn on" }).waitFor();
  }, 120_000);

  it("carries on anonymously when the site's signature is wrong", async () => {
    const agent = await adminConsole();
    await agent.goto(`${destek}/console/`);
    const visitor = await visitorPage();
    const frame = await openWidget(visitor, "forged");
    await frame.getByLabel("Message").fill("Sent under a forged signature");
    await frame.getByRole("button", { name: "Send" }).click();
    const item = agent.locator(".conversation-item", { hasText: "Sent under a forged signature" });
    await item.waitFor({ timeout: 15_000 });
    expect(await item.getByText("Verified").count()).toBe(0);
    expect(await item.getByText("Mallory").count()).toBe(0);
  }, 90_000);
});
