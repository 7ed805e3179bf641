import type { LightMyRequestResponse } from "fastify";
import { Secret, TOTP } from "otpauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INVITE_TTL_MS, PASSWORD_RESET_TTL_MS } from "../../src/domain/auth/oneTimeLinks.ts";
import { type TestDatabase, testDatabases } from "../support/databases.ts";
import { addAgent, PASSWORD, startTestApp, type TestApp } from "../support/testApp.ts";

const NEW_PASSWORD = "a brand new passphrase";

describe.each(testDatabases())("team administration, invites and recovery codes on $name", (database: TestDatabase) => {
  let t: TestApp;
  let dispose: () => Promise<void>;
  let counter = 0;

  beforeAll(async () => {
    const db = await database.open();
    dispose = db.dispose;
    t = await startTestApp({ database: db });
  });
  afterAll(async () => {
    await t.close();
    await dispose();
  });

  const request = (method: "GET" | "POST" | "DELETE", url: string, payload?: unknown, token?: string) =>
    t.app.inject({
      method,
      url,
      ...(payload === undefined ? {} : { payload: payload as object }),
      headers: token ? { authorization: `Bearer ${token}` } : {},
      remoteAddress: `10.9.${counter % 250}.1`,
    });
  const errorId = (res: LightMyRequestResponse) => res.json<{ error: { id: string } }>().error.id;
  const totpCode = (secret: string) =>
    new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: "SHA1" }).generate({ timestamp: t.clock.now() });
  // Each authenticator code works once per time step: move to the next step before each use.
  const nextStep = () => t.clock.advance(30_000);

  interface Session {
    accessToken: string;
    secret: string;
    recoveryCodes: string[];
    username: string;
  }

  /** Password step, TOTP enrolment and confirmation: an agent without a factor signs in for the first time. */
  async function enrolTotp(ticket: string, username: string): Promise<Session> {
    const enrollment = await request("POST", "/api/auth/enroll/totp", { ticket });
    expect(enrollment.statusCode).toBe(200);
    const { secret } = enrollment.json<{ secret: string }>();
    nextStep();
    const confirmed = await request("POST", "/api/auth/enroll/totp/confirm", { ticket, code: totpCode(secret) });
    expect(confirmed.statusCode).toBe(200);
    const body = confirmed.json<{ accessToken: string; recoveryCodes: string[] }>();
    return { accessToken: body.accessToken, recoveryCodes: body.recoveryCodes, secret, username };
  }

  async function newAgent(admin = false): Promise<Session> {
    counter++;
    const username = `${admin ? "admin" : "agent"}${counter}`;
    await addAgent(t.deps, username, { admin });
    const login = await request("POST", "/api/auth/login", { username, password: PASSWORD });
    return enrolTotp(login.json<{ ticket: string }>().ticket, username);
  }

  /** Signs in again (a new access token), after the clock moved past the old one's life. */
  async function again(session: Session): Promise<Session> {
    nextStep();
    const login = await request("POST", "/api/auth/login", { username: session.username, password: PASSWORD });
    const verified = await request("POST", "/api/auth/verify", { ticket: login.json<{ ticket: string }>().ticket, code: totpCode(session.secret), method: "totp" });
    expect(verified.statusCode).toBe(200);
    return { ...session, accessToken: verified.json<{ accessToken: string }>().accessToken };
  }

  const tokenOf = (link: string) => new URL(link).hash.slice(1);
  const members = async (admin: Session) =>
    (await request("GET", "/api/agents/members", undefined, admin.accessToken)).json<{ members: Array<Record<string, unknown>> }>().members;
  const memberNamed = async (admin: Session, username: string) => (await members(admin)).find((m) => m.username === username);
  const auditActions = async (admin: Session, targetId: string) => {
    const page = await request("GET", "/api/audit?limit=100", undefined, admin.accessToken);
    return page
      .json<{ entries: Array<{ action: string; target: { id: string } | null }> }>()
      .entries.filter((e) => e.target?.id === targetId)
      .map((e) => e.action);
  };

  it("invites an agent: the link works once, sets the password, leads to enrolment and ten recovery codes", async () => {
    const admin = await newAgent(true);
    counter++;
    const invited = await request("POST", "/api/agents/invites", { username: `Zeynep${counter}`, name: "Zeynep Kaya", role: "agent" }, admin.accessToken);
    expect(invited.statusCode).toBe(201);
    const { member, invite } = invited.json<{ member: { id: string; username: string; status: string }; invite: { link: string; expiresAt: string } }>();
    expect(member).toMatchObject({ username: `zeynep${counter}`, status: "invited" });
    expect(invite.link).toMatch(/\/console\/invite#[\w-]{40,}$/);
    expect(Date.parse(invite.expiresAt) - t.clock.now()).toBeGreaterThan(INVITE_TTL_MS - 60_000);
    const token = tokenOf(invite.link);

    // The random password it was created with is nobody's: the invitee cannot sign in before choosing one.
    expect((await request("POST", "/api/auth/link", { token })).json()).toEqual({ purpose: "invite", name: "Zeynep Kaya", username: member.username });

    const weak = await request("POST", "/api/auth/link/accept", { token, password: "short" });
    expect(weak.statusCode).toBe(400);
    expect(errorId(weak)).toBe("weak_password");

    const accepted = await request("POST", "/api/auth/link/accept", { token, password: NEW_PASSWORD });
    expect(accepted.statusCode).toBe(200);
    const step = accepted.json<{ ticket: string; enrollmentRequired: boolean }>();
    expect(step.enrollmentRequired).toBe(true);

    const again = await request("POST", "/api/auth/link/accept", { token, password: NEW_PASSWORD });
    expect(again.statusCode).toBe(404);
    expect(errorId(again)).toBe("link_invalid");
    expect(errorId(await request("POST", "/api/auth/link", { token }))).toBe("link_invalid");

    const session = await enrolTotp(step.ticket, member.username);
    expect(session.recoveryCodes).toHaveLength(10);
    expect(new Set(session.recoveryCodes).size).toBe(10);
    for (const code of session.recoveryCodes) expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);

    expect(await memberNamed(admin, member.username)).toMatchObject({ status: "active", totpEnabled: true, recoveryCodesLeft: 10, role: "agent" });
    expect((await memberNamed(admin, member.username))?.lastLoginAt).toEqual(expect.any(String));
    expect(await auditActions(admin, member.id)).toEqual(
      expect.arrayContaining(["agent.created", "agent.invite_link_created", "agent.invite_accepted", "auth.recovery_codes_generated"]),
    );
  });

  it("invite links expire after 7 days; a new link replaces the old one; a revoked link is dead", async () => {
    let admin = await newAgent(true);
    counter++;
    const username = `emre${counter}`;
    const first = (await request("POST", "/api/agents/invites", { username, name: "Emre", role: "agent" }, admin.accessToken)).json<{
      invite: { link: string };
    }>().invite;
    t.clock.advance(INVITE_TTL_MS + 60_000);
    const expired = await request("POST", "/api/auth/link", { token: tokenOf(first.link) });
    expect(expired.statusCode).toBe(404);
    expect(errorId(expired)).toBe("link_invalid");

    admin = await again(admin);
    const second = await request("POST", `/api/agents/${username}/invite`, {}, admin.accessToken);
    expect(second.statusCode).toBe(200);
    const third = (await request("POST", `/api/agents/${username}/invite`, {}, admin.accessToken)).json<{ link: string }>();
    expect(errorId(await request("POST", "/api/auth/link", { token: tokenOf(second.json<{ link: string }>().link) }))).toBe("link_invalid");
    expect((await request("POST", "/api/auth/link", { token: tokenOf(third.link) })).statusCode).toBe(200);

    const revoked = await request("POST", `/api/agents/${username}/revoke-links`, {}, admin.accessToken);
    expect(revoked.statusCode).toBe(200);
    expect(errorId(await request("POST", "/api/auth/link/accept", { token: tokenOf(third.link), password: NEW_PASSWORD }))).toBe("link_invalid");
    const id = revoked.json<{ member: { id: string } }>().member.id;
    expect(await auditActions(admin, id)).toContain("agent.links_revoked");

    // Only someone who has not joined gets a fresh invite.
    const joined = await newAgent();
    const refused = await request("POST", `/api/agents/${joined.username}/invite`, {}, admin.accessToken);
    expect(refused.statusCode).toBe(409);
    expect(errorId(refused)).toBe("not_invited");
  });

  it("an admin cannot demote or disable themselves as the last active admin", async () => {
    // A fresh team: disable every other admin first (the CLI may; the console may not leave none).
    const admin = await newAgent(true);
    for (const m of await members(admin)) {
      if (m.role === "admin" && m.username !== admin.username && m.status !== "disabled") {
        await request("POST", `/api/agents/${String(m.username)}/disable`, {}, admin.accessToken);
      }
    }
    const demote = await request("POST", `/api/agents/${admin.username}/role`, { role: "agent" }, admin.accessToken);
    expect(demote.statusCode).toBe(409);
    expect(errorId(demote)).toBe("last_admin");
    const disable = await request("POST", `/api/agents/${admin.username}/disable`, {}, admin.accessToken);
    expect(disable.statusCode).toBe(403);
    expect(errorId(disable)).toBe("cannot_disable_self");

    const colleague = await newAgent();
    const promoted = await request("POST", `/api/agents/${colleague.username}/role`, { role: "admin" }, admin.accessToken);
    expect(promoted.json<{ member: { role: string } }>().member.role).toBe("admin");
    const stepDown = await request("POST", `/api/agents/${admin.username}/role`, { role: "agent" }, admin.accessToken);
    expect(stepDown.statusCode).toBe(200);
    expect(stepDown.json<{ member: { role: string; id: string } }>().member.role).toBe("agent");
    // Now an agent, the former admin's session no longer reaches admin routes.
    expect((await request("GET", "/api/agents/members", undefined, admin.accessToken)).statusCode).toBe(403);
    expect(await auditActions(colleague, stepDown.json<{ member: { id: string } }>().member.id)).toContain("agent.role_changed");
  });

  it("disables and enables an agent; resets a password by link and a second factor", async () => {
    let admin = await newAgent(true);
    const agent = await newAgent();
    const disabled = await request("POST", `/api/agents/${agent.username}/disable`, {}, admin.accessToken);
    expect(disabled.statusCode).toBe(200);
    expect((await request("GET", "/api/me", undefined, agent.accessToken)).statusCode).toBe(401);
    expect((await request("POST", "/api/auth/login", { username: agent.username, password: PASSWORD })).statusCode).toBe(401);
    const refusedLink = await request("POST", `/api/agents/${agent.username}/password-reset-link`, {}, admin.accessToken);
    expect(errorId(refusedLink)).toBe("agent_disabled");

    const enabled = await request("POST", `/api/agents/${agent.username}/enable`, {}, admin.accessToken);
    expect(enabled.json<{ member: { status: string; id: string } }>().member.status).toBe("active");
    expect((await request("POST", "/api/auth/login", { username: agent.username, password: PASSWORD })).statusCode).toBe(200);

    const reset = await request("POST", `/api/agents/${agent.username}/password-reset-link`, {}, admin.accessToken);
    const { link, expiresAt } = reset.json<{ link: string; expiresAt: string }>();
    expect(link).toMatch(/\/console\/reset#/);
    expect(Date.parse(expiresAt) - t.clock.now()).toBeLessThanOrEqual(PASSWORD_RESET_TTL_MS);
    const accepted = await request("POST", "/api/auth/link/accept", { token: tokenOf(link), password: NEW_PASSWORD });
    // The second factor stays: the reset leads to the code step, not to enrolment.
    expect(accepted.json()).toMatchObject({ enrollmentRequired: false, methods: { totp: true } });
    expect((await request("POST", "/api/auth/login", { username: agent.username, password: PASSWORD })).statusCode).toBe(401);
    expect((await request("POST", "/api/auth/login", { username: agent.username, password: NEW_PASSWORD })).statusCode).toBe(200);

    const late = (await request("POST", `/api/agents/${agent.username}/password-reset-link`, {}, admin.accessToken)).json<{ link: string }>();
    t.clock.advance(PASSWORD_RESET_TTL_MS + 1000);
    expect(errorId(await request("POST", "/api/auth/link", { token: tokenOf(late.link) }))).toBe("link_invalid");

    admin = await again(admin);
    // A fresh session, then the second-factor reset ends it and sends the agent back to enrolment.
    nextStep();
    const ticket = (await request("POST", "/api/auth/login", { username: agent.username, password: NEW_PASSWORD })).json<{ ticket: string }>().ticket;
    // Asking for first recovery codes gives none to an agent who has a set already.
    const signedIn = await request("POST", "/api/auth/verify", { ticket, code: totpCode(agent.secret), method: "totp", issueRecoveryCodes: true });
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json()).not.toHaveProperty("recoveryCodes");
    const factorReset = await request("POST", `/api/agents/${agent.username}/reset-second-factor`, {}, admin.accessToken);
    expect(factorReset.json()).toMatchObject({ member: { totpEnabled: false, telegramLinked: false, recoveryCodesLeft: 0 } });
    expect((await request("GET", "/api/me", undefined, signedIn.json<{ accessToken: string }>().accessToken)).statusCode).toBe(401);
    const relogin = await request("POST", "/api/auth/login", { username: agent.username, password: NEW_PASSWORD });
    expect(relogin.json()).toMatchObject({ enrollmentRequired: true });
    const selfReset = await request("POST", `/api/agents/${admin.username}/reset-second-factor`, {}, admin.accessToken);
    expect(errorId(selfReset)).toBe("cannot_reset_self");

    const id = enabled.json<{ member: { id: string } }>().member.id;
    expect(await auditActions(admin, id)).toEqual(
      expect.arrayContaining(["agent.disabled", "agent.enabled", "agent.password_reset_link_created", "agent.password_reset_used", "agent.second_factor_reset"]),
    );
  });

  it("recovery codes sign in once each, tell how many remain, regenerate with the password and are rate limited", async () => {
    const admin = await newAgent(true);
    const agent = await newAgent();
    const login = async () =>
      (await request("POST", "/api/auth/login", { username: agent.username, password: PASSWORD })).json<{ ticket: string }>().ticket;
    const [first, second] = agent.recoveryCodes;

    const used = await request("POST", "/api/auth/verify", { ticket: await login(), code: first?.toUpperCase(), method: "recovery" });
    expect(used.statusCode).toBe(200);
    expect(used.json<{ recoveryCodesLeft: number }>().recoveryCodesLeft).toBe(9);
    const reused = await request("POST", "/api/auth/verify", { ticket: await login(), code: first, method: "recovery" });
    expect(reused.statusCode).toBe(401);
    expect(errorId(reused)).toBe("recovery_code_invalid");
    // Dashes and spaces do not matter.
    const spaced = await request("POST", "/api/auth/verify", { ticket: await login(), code: second?.replace("-", " "), method: "recovery" });
    expect(spaced.json<{ recoveryCodesLeft: number }>().recoveryCodesLeft).toBe(8);
    const token = spaced.json<{ accessToken: string }>().accessToken;
    expect((await request("GET", "/api/me/recovery-codes", undefined, token)).json()).toEqual({ left: 8 });

    const wrongPassword = await request("POST", "/api/me/recovery-codes", { password: "not the password" }, token);
    expect(wrongPassword.statusCode).toBe(403);
    expect(errorId(wrongPassword)).toBe("password_incorrect");
    const regenerated = await request("POST", "/api/me/recovery-codes", { password: PASSWORD }, token);
    const fresh = regenerated.json<{ codes: string[] }>().codes;
    expect(fresh).toHaveLength(10);

    // Five tries in five minutes, right or wrong (like authenticator codes), then refused even for a right code.
    t.clock.advance(5 * 60 * 1000 + 1000);
    const old = await request("POST", "/api/auth/verify", { ticket: await login(), code: agent.recoveryCodes[2], method: "recovery" });
    expect(errorId(old)).toBe("recovery_code_invalid");
    for (let i = 0; i < 3; i++) {
      expect(errorId(await request("POST", "/api/auth/verify", { ticket: await login(), code: "wrong-codes", method: "recovery" }))).toBe("recovery_code_invalid");
    }
    const fifth = await request("POST", "/api/auth/verify", { ticket: await login(), code: fresh[0], method: "recovery" });
    expect(fifth.statusCode).toBe(200);
    const limited = await request("POST", "/api/auth/verify", { ticket: await login(), code: fresh[1], method: "recovery" });
    expect(limited.statusCode).toBe(429);
    t.clock.advance(5 * 60 * 1000 + 1000);
    expect((await request("POST", "/api/auth/verify", { ticket: await login(), code: fresh[1], method: "recovery" })).statusCode).toBe(200);

    const audited = await request("GET", `/api/audit?action=auth.recovery_code_used&limit=100`, undefined, (await again(admin)).accessToken);
    const entries = audited.json<{ entries: Array<{ details: { left: number }; target: { name: string } }> }>().entries;
    expect(entries.filter((e) => e.target.name === `Agent ${agent.username}`).map((e) => e.details.left)).toEqual([8, 9, 8, 9]);

    // A TOTP/Telegram code is still six digits; a recovery code only goes with method "recovery".
    const notDigits = await request("POST", "/api/auth/verify", { ticket: await login(), code: "abcde-fghij", method: "totp" });
    expect(notDigits.statusCode).toBe(400);
  });

  it("pages the audit log by cursor, filters by actor and action, refuses a forged cursor", async () => {
    const admin = await newAgent(true);
    for (let i = 0; i < 3; i++) {
      counter++;
      await request("POST", "/api/agents/invites", { username: `page${counter}`, name: `Page ${counter}`, role: "agent" }, admin.accessToken);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/audit?actor=${admin.username}&action=agent.created&limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const page = (await request("GET", url, undefined, admin.accessToken)).json<{ entries: Array<{ id: string; actor: { name: string } }>; nextCursor: string | null }>();
      for (const entry of page.entries) {
        expect(entry.actor.name).toBe(`Agent ${admin.username}`);
        seen.push(entry.id);
      }
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(3);
    expect(new Set(seen).size).toBe(3);

    const forged = await request("GET", "/api/audit?cursor=bm90LWEtY3Vyc29y", undefined, admin.accessToken);
    expect(forged.statusCode).toBe(400);
    expect(errorId(forged)).toBe("invalid_cursor");
    expect((await request("GET", "/api/audit?actor=nobody-at-all", undefined, admin.accessToken)).json()).toEqual({ entries: [], nextCursor: null });
    const agent = await newAgent();
    expect((await request("GET", "/api/audit", undefined, agent.accessToken)).statusCode).toBe(403);
  });
});
