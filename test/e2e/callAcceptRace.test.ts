import { describe, expect, it } from "vitest";
import { findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { browserAvailable } from "../support/browser.ts";
import { openWidget, pcState, ServerMessageHold, signInConsole, socketFrames, startCallStage } from "../support/callPages.ts";
import { addAgent } from "../support/testApp.ts";
import { stageForSuite } from "../support/suiteStage.ts";

// Two agents press Accept on the same incoming call at the same moment: one talks to the caller,
// the other is told who took it. "At the same moment" is made certain: the server's messages to
// both consoles are held while both press, so neither button can vanish (the call taken) before
// its press, however slowly the machine runs.
describe.runIf(browserAvailable())("two agents accepting one call at once", () => {
  const stage = stageForSuite(() => startCallStage());

  it("gives the call to exactly one; the other sees who took it", async () => {
    const { t, browser, shop } = stage;
    await addAgent(t.deps, "leyla", { telegramChatId: "717171" });
    await addAgent(t.deps, "murat", { telegramChatId: "727272" });
    const hold = new ServerMessageHold();
    const leyla = await signInConsole(browser, t, "leyla", "717171", { hold });
    const murat = await signInConsole(browser, t, "murat", "727272", { hold });

    const { frame } = await openWidget(browser, shop.url);
    await frame.getByRole("button", { name: "Call" }).click();

    // Both consoles ring with the same call.
    const acceptOn = [leyla, murat].map((page) => page.getByRole("button", { name: "Accept", exact: true }));
    await Promise.all(acceptOn.map((button) => button.waitFor({ timeout: 20_000 })));
    // Both consoles talk over the websocket (the console opens one straight away), where the hold
    // applies: their /agent namespace connected through it.
    for (const page of [leyla, murat]) await expect.poll(() => socketFrames(page).sent.some((f) => f.startsWith("40/agent")), { timeout: 20_000 }).toBe(true);
    hold.hold();
    await Promise.all(acceptOn.map((button) => button.click()));
    // Both presses reached the server before either console heard a word back.
    await expect.poll(() => [leyla, murat].map((page) => socketFrames(page).sent.filter((f) => f.includes('"call:accept"')).length), { timeout: 20_000 }).toEqual([1, 1]);
    hold.release();

    await expect.poll(async () => (await t.deps.domain.db.selectFrom("calls").select("agent_id").executeTakeFirst())?.agent_id ?? null, { timeout: 10_000 }).not.toBeNull();
    const row = await t.deps.domain.db.selectFrom("calls").selectAll().executeTakeFirstOrThrow();
    expect(row.status).toBe("active");
    const leylaId = (await findAgentByUsername(t.deps.domain.db, "leyla"))!.id;
    const [winner, loser, winnerName] = row.agent_id === leylaId ? [leyla, murat, "Agent leyla"] : [murat, leyla, "Agent murat"];

    // The winner talks to the caller.
    await winner.getByRole("button", { name: "Hang up" }).waitFor({ timeout: 20_000 });
    await expect.poll(() => pcState(winner), { timeout: 20_000 }).toBe("connected");
    await expect.poll(() => pcState(frame), { timeout: 20_000 }).toBe("connected");

    // The other is told who took it, and has no call of their own.
    await loser.getByText(`${winnerName} took this call.`).waitFor({ timeout: 10_000 });
    expect(await loser.getByRole("button", { name: "Hang up" }).count()).toBe(0);
    expect(await loser.getByRole("button", { name: "Accept" }).count()).toBe(0);
    expect(await pcState(loser)).toBe("none");
    expect(await t.deps.domain.db.selectFrom("calls").select("id").execute()).toHaveLength(1);

    // Both really asked the server for the call; the loser was refused with the winner's name.
    for (const page of [winner, loser]) expect(socketFrames(page).sent.filter((f) => f.includes('"call:accept"'))).toHaveLength(1);
    expect(socketFrames(loser).received.some((f) => f.includes('"call_taken"') && f.includes(`${winnerName} took this call.`))).toBe(true);
  }, 120_000);
});
