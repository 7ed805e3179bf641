import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { visitorPage as newVisitorPage, widgetFrame, startWidgetStage, addAgentAndSignIn } from "../support/callPages.ts";
import { browserAvailable, ffmpegAvailable } from "../support/browser.ts";
import { saveSettingsDirectly } from "../support/installSettings.ts";
import { stageForSuite } from "../support/suiteStage.ts";

// What a new user saw go wrong on screen, in one visit: the greeting, links, voice note lengths,
// list previews, a refused SVG, and the demo page on a phone.
describe.runIf(browserAvailable() && ffmpegAvailable())("display of links, voice notes, previews and refused files", () => {
  const GREETING = "Merhaba! Ask us anything.";
  // ?lang=tr gives the Turkish page.
  const stage = stageForSuite(() => startWidgetStage({ shop: (path) => ({ language: path.includes("lang=tr") ? "tr" : "en", attributes: `data-greeting="${GREETING}"` }) }));

  const visitorPage = () => newVisitorPage(stage.browser);

  const consolePage = (username: string, chatId: string) => addAgentAndSignIn(stage.browser, stage.t, username, chatId);

  it("keeps the greeting, links in the console, shows voice lengths and icon previews, and a chip for a refused SVG", async () => {
    const { t, shop } = stage;
    const agent = await consolePage("deniz", "626262");
    const visitor = await visitorPage();
    await visitor.goto(shop.url);
    await visitor.getByRole("button", { name: "Open chat" }).click();
    const frame = await widgetFrame(visitor);
    await frame.getByText(GREETING).waitFor();

    await frame.getByLabel("Message").fill("My order: https://shop.example/orders/42. Thanks");
    await frame.getByRole("button", { name: "Send" }).click();
    // Sent and stored (it has a time of its own now), and the greeting is still the first thing shown.
    await frame.locator(".message a[href='https://shop.example/orders/42']").waitFor({ timeout: 15_000 });
    expect(await frame.getByText(GREETING).isVisible()).toBe(true);

    // A refused SVG: the widget never draws an image box for it, it shows the file with its error.
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>');
    await frame.locator('input[type="file"]').setInputFiles({ name: "logo.svg", mimeType: "image/svg+xml", buffer: svg });
    await frame.getByText("logo.svg").waitFor({ timeout: 15_000 });
    await frame.getByRole("button", { name: "Remove" }).waitFor({ timeout: 15_000 });
    expect(await frame.locator("img.upload-preview").count()).toBe(0);

    // A voice note recorded as browsers do (no duration in the file): both sides show its length.
    const webm = execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "sine=duration=3.2", "-c:a", "libopus", "-live", "1", "-f", "webm", "pipe:1"]);
    await frame.locator('input[type="file"]').setInputFiles({ name: "voice-note.webm", mimeType: "audio/webm", buffer: webm });
    await frame.getByText("Voice note 0:03").waitFor({ timeout: 15_000 });

    // The console list says "Voice message" beside an icon, with no emoji.
    const item = agent.locator("[data-conversation-link]").first();
    await expect.poll(() => item.textContent(), { timeout: 15_000 }).toContain("Voice message");
    expect(await item.textContent()).not.toMatch(/\p{Extended_Pictographic}/u);
    expect(await item.locator(".preview-icon").count()).toBe(1);

    await item.click();
    const link = agent.getByRole("link", { name: "https://shop.example/orders/42" });
    await link.waitFor({ timeout: 15_000 });
    expect(await link.getAttribute("target")).toBe("_blank");
    expect(await link.getAttribute("rel")).toMatch(/\bnoopener\b.*\bnoreferrer\b/);
    // Only http(s) becomes a link; the sentence's full stop stays outside it.
    expect(await link.getAttribute("href")).toBe("https://shop.example/orders/42");
    await agent.locator(".attachment-voice-length", { hasText: "0:03" }).waitFor({ timeout: 15_000 });

    // "Last seen" moves with the visitor while the panel is open, and says how long ago.
    const lastSeen = agent.locator("time.last-seen");
    if (!(await lastSeen.isVisible())) await agent.getByRole("button", { name: "Visitor details" }).click();
    await lastSeen.waitFor({ timeout: 15_000 });
    const before = Date.parse((await lastSeen.getAttribute("datetime")) ?? "");
    await frame.getByLabel("Message").fill("Still there?");
    await frame.getByRole("button", { name: "Send" }).click();
    await agent.locator(".message-body", { hasText: "Still there?" }).waitFor({ timeout: 15_000 });
    const [latest] = await t.deps.domain.db.selectFrom("messages").select("created_at").orderBy("created_at", "desc").limit(1).execute();
    // Typing bumps it too (to the console's clock), so at least the message's time.
    await expect.poll(async () => Date.parse((await lastSeen.getAttribute("datetime")) ?? ""), { timeout: 15_000 }).toBeGreaterThanOrEqual(Number(latest?.created_at));
    expect(Number(latest?.created_at)).toBeGreaterThan(before);
    expect(await lastSeen.textContent()).toBe("now");
  }, 120_000);

  it("keeps each consent button on one line on 360 and 390 px phones, in Turkish", async () => {
    const { t, browser, shop } = stage;
    await consolePage("ece", "636363");
    await saveSettingsDirectly(t.deps.domain, { recording: "audio" });
    for (const width of [360, 390]) {
      const context = await browser.newContext({ locale: "tr-TR", viewport: { width, height: 740 } });
      await context.addInitScript(`{
        const attach = Element.prototype.attachShadow;
        Element.prototype.attachShadow = function (init) { return attach.call(this, { ...init, mode: "open" }); };
      }`);
      const visitor = await context.newPage();
      await visitor.goto(`${shop.url}?lang=tr`);
      await visitor.getByRole("button", { name: "Sohbeti aç" }).click();
      const frame = await widgetFrame(visitor);
      await frame.getByRole("button", { name: "Ara", exact: true }).click();
      for (const name of ["Kabul et ve ara", "Vazgeç"]) {
        const button = frame.getByRole("button", { name });
        await button.waitFor({ timeout: 10_000 });
        const box = await button.boundingBox();
        // One line of 14 px text in a 44 px high button; a wrapped label makes it taller.
        expect(box?.height, `${name} at ${width} px`).toBeLessThanOrEqual(44);
      }
      await context.close();
    }
  }, 90_000);

  it("shows the Turkish navigation labels and search placeholder whole, on a phone and a desk", async () => {
    const page = await consolePage("zeynep", "646464");
    await page.getByLabel("Language").selectOption("tr");
    await page.getByPlaceholder("Ad, e-posta, mesaj").waitFor({ timeout: 15_000 });
    for (const viewport of [{ width: 390, height: 800 }, { width: 1280, height: 800 }]) {
      await page.setViewportSize(viewport);
      const clipped = (await page.evaluate(`(() => {
        const out = [];
        for (const label of document.querySelectorAll(".sidenav-label")) {
          const a = label.closest("a").getBoundingClientRect();
          const r = label.getBoundingClientRect();
          if (label.scrollWidth > label.clientWidth + 1 || r.left < a.left - 1 || r.right > a.right + 1) out.push(label.textContent);
        }
        const input = document.querySelector(".search-box input");
        const style = getComputedStyle(input);
        const context = document.createElement("canvas").getContext("2d");
        context.font = style.font;
        const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        if (context.measureText(input.placeholder).width > room) out.push(input.placeholder);
        return out;
      })()`)) as string[];
      expect(clipped, `at ${viewport.width} px`).toEqual([]);
    }
  }, 60_000);

  it("fits the demo page's embed tag on a 390 px phone", async () => {
    const { t, browser } = stage;
    const page = await (await browser.newContext({ viewport: { width: 390, height: 800 } })).newPage();
    await page.goto(`${t.url}/demo/`);
    await page.locator("pre code").waitFor();
    const widths = (await page.evaluate(
      "({ page: document.documentElement.scrollWidth, view: window.innerWidth, pre: document.querySelector('pre').getBoundingClientRect().right, code: document.querySelector('pre').scrollWidth, box: document.querySelector('pre').clientWidth })",
    )) as { page: number; view: number; pre: number; code: number; box: number };
    expect(widths.page).toBeLessThanOrEqual(widths.view);
    expect(widths.pre).toBeLessThanOrEqual(widths.view);
    // The whole tag is readable at once: it wraps inside its box instead of hiding behind a scroll.
    expect(widths.code).toBeLessThanOrEqual(widths.box);
    expect(await page.locator("pre code").textContent()).toContain('<script src="/widget.js"');
  }, 60_000);
});
