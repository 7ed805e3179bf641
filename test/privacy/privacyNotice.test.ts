import { randomUUID } from "node:crypto";
import type { Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { insertCall } from "../../src/adapters/db/repositories/calls.ts";
import { createInbox } from "../../src/domain/inboxes/inboxes.ts";
import { exportPerson } from "../../src/domain/privacy/exportPerson.ts";
import type { MessageView } from "../../src/protocol/chat.ts";
import type { ContactResponse, EraseReportView } from "../../src/protocol/contacts.ts";
import type { InboxSettings } from "../../src/protocol/inboxes.ts";
import type { WidgetPrivacyNotice } from "../../src/protocol/privacy.ts";
import { newClientId, newVisitorToken, openSocket, request } from "../support/chatClients.ts";
import { type TestDatabase, testDatabases } from "../support/databases.ts";
import { type ListeningTestApp, startListeningApp, addAgentWithSession } from "../support/testApp.ts";

// The pre-chat privacy notice: a website (inbox) that asks for consent gets no widget message
// without it: the server refuses `consent_required`, records the consent sent with the first
// message (time, version, policy link), asks again when the notice changes, and the consent shows
// on the contact, goes into the person's export and is erased with them. On both engines.

const POLICY = "https://shop.example/gizlilik";

describe.each(testDatabases())("privacy notice consent on $name", (database: TestDatabase) => {
  let t: ListeningTestApp;
  let url: string;
  let shopId: string;
  let adminToken: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await startListeningApp(database);
    url = t.url;
    adminToken = (await addAgentWithSession(t.deps, "admin", { admin: true })).accessToken;
    shopId = (await createInbox(t.deps.domain, { type: "system" }, { name: "Shop" })).id;
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });
  afterAll(() => t?.close());

  async function api<T>(method: "GET" | "PUT" | "POST", path: string, payload?: object): Promise<T> {
    const res = await t.app.inject({ method, url: path, headers: { authorization: `Bearer ${adminToken}` }, ...(payload ? { payload } : {}) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as T;
  }
  /** Saves the shop's privacy settings the way the console does: the whole document back. */
  async function setPrivacy(privacy: Partial<InboxSettings["privacy"]>) {
    const { settings } = await api<{ settings: InboxSettings }>("GET", `/api/inboxes/${shopId}/settings`);
    await api("PUT", `/api/inboxes/${shopId}/settings`, { ...settings, privacy: { ...settings.privacy, ...privacy } });
  }
  async function notice(lang = "en"): Promise<WidgetPrivacyNotice | null> {
    const res = await t.app.inject({ method: "GET", url: `/api/widget/config?inbox=${shopId}&lang=${lang}` });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { privacy: WidgetPrivacyNotice | null }).privacy;
  }
  const widget = async (visitorToken = newVisitorToken()) => {
    const socket = await openSocket(`${url}/visitor`, { visitorToken, language: "en", inbox: shopId });
    sockets.push(socket);
    return socket;
  };
  const write = (socket: Socket, body: string, privacyConsent?: string) =>
    request<{ message: MessageView }>(socket, "message:send", { clientId: newClientId(), body, ...(privacyConsent === undefined ? {} : { privacyConsent }) });
  const refusal = (promise: Promise<unknown>) => promise.then(() => "sent", (error: { id?: string }) => error.id);
  const consentsOf = (visitorId: string) => t.deps.domain.db.selectFrom("consents").selectAll().where("visitor_id", "=", visitorId).orderBy("created_at").execute();
  const visitorOf = async (messageId: string) => {
    const row = await t.deps.domain.db
      .selectFrom("messages")
      .innerJoin("conversations", "conversations.id", "messages.conversation_id")
      .select("conversations.visitor_id")
      .where("messages.id", "=", messageId)
      .executeTakeFirstOrThrow();
    return row.visitor_id;
  };

  it("changes nothing while the website sets neither a policy link nor consent", async () => {
    expect(await notice()).toBeNull();
    const sent = await write(await widget(), "Merhaba, bildirim yok");
    expect(sent.message.body).toBe("Merhaba, bildirim yok");
    expect(await consentsOf(await visitorOf(sent.message.id))).toEqual([]);
  });

  it("shows a policy link alone without asking, and refuses an http link", async () => {
    const { settings } = await api<{ settings: InboxSettings }>("GET", `/api/inboxes/${shopId}/settings`);
    const http = await t.app.inject({
      method: "PUT", url: `/api/inboxes/${shopId}/settings`, headers: { authorization: `Bearer ${adminToken}` },
      payload: { ...settings, privacy: { ...settings.privacy, policyUrl: "http://shop.example/privacy" } },
    });
    expect(http.statusCode).toBe(400);
    await setPrivacy({ policyUrl: POLICY, askConsent: false });
    const shown = await notice();
    expect(shown).toMatchObject({ policyUrl: POLICY, required: false, text: "" });
    expect(shown?.version).toMatch(/^[0-9a-f]{12}$/);
    // Not asked: a message goes out without consent, and none is recorded.
    const sent = await write(await widget(), "Sadece bağlantı var");
    expect(await consentsOf(await visitorOf(sent.message.id))).toEqual([]);
  });

  it("refuses a first message without consent, accepts it with consent and stores when and which version", async () => {
    await setPrivacy({ policyUrl: POLICY, askConsent: true, notice: { tr: "", en: "We keep your chat for 6 months." } });
    const shown = (await notice())!;
    expect(shown).toMatchObject({ required: true, policyUrl: POLICY, text: "We keep your chat for 6 months." });
    expect((await notice("tr"))?.text).toBe("");

    const token = newVisitorToken();
    const socket = await widget(token);
    expect(await refusal(write(socket, "Onaysız ilk mesaj"))).toBe("consent_required");
    expect(await refusal(write(socket, "Yanlış sürüm", "0123456789ab"))).toBe("consent_required");
    expect(await t.deps.domain.db.selectFrom("conversations").select("id").where("last_message_preview", "=", "Onaysız ilk mesaj").execute()).toEqual([]);

    const before = Date.now();
    const sent = await write(socket, "Onaylı ilk mesaj", shown.version);
    const visitorId = await visitorOf(sent.message.id);
    const [consent, ...more] = await consentsOf(visitorId);
    expect(more).toEqual([]);
    expect(consent).toMatchObject({ inbox_id: shopId, kind: "privacy_notice", version: shown.version, policy_url: POLICY });
    expect(Number(consent!.created_at)).toBeGreaterThanOrEqual(before - 1000);
    expect(Number(consent!.created_at)).toBeLessThanOrEqual(Date.now() + 1000);

    // Agreed once: later messages need nothing more, sending it again records nothing twice.
    await write(socket, "İkinci mesaj");
    await write(socket, "Üçüncü mesaj", shown.version);
    expect(await consentsOf(visitorId)).toHaveLength(1);
    // The widget learns on sync that this visitor agreed to this version, also from another tab.
    const again = await widget(token);
    expect((await request<{ privacyConsent: string | null }>(again, "conversation:sync", {})).privacyConsent).toBe(shown.version);
  });

  it("asks again when the notice text or link changes, and not when only the checkbox is switched", async () => {
    await setPrivacy({ policyUrl: POLICY, askConsent: true, notice: { tr: "", en: "" } });
    const first = (await notice())!;
    const socket = await widget();
    const sent = await write(socket, "İlk sürüm", first.version);
    const visitorId = await visitorOf(sent.message.id);

    await setPrivacy({ notice: { tr: "Sohbetinizi 6 ay saklarız.", en: "" } });
    const second = (await notice())!;
    expect(second.version).not.toBe(first.version);
    expect(await refusal(write(socket, "Yeni sürümü görmedim", first.version))).toBe("consent_required");
    expect((await request<{ privacyConsent: string | null }>(socket, "conversation:sync", {})).privacyConsent).toBe(first.version);
    await write(socket, "Yeni sürümü kabul ettim", second.version);
    expect((await consentsOf(visitorId)).map((c) => c.version)).toEqual([first.version, second.version]);

    await setPrivacy({ askConsent: false });
    await setPrivacy({ askConsent: true });
    expect((await notice())?.version).toBe(second.version);
    await write(socket, "Aynı sürüm");
    // The same wording again is the same version.
    await setPrivacy({ notice: { tr: "", en: "" } });
    expect((await notice())?.version).toBe(first.version);
  });

  it("moves a merged contact's consents to the kept one, without doubles", async () => {
    await setPrivacy({ policyUrl: POLICY, askConsent: true, notice: { tr: "", en: "" } });
    const shown = (await notice())!;
    const phoneToken = newVisitorToken();
    const phone = await widget(phoneToken);
    const laptop = await widget();
    const kept = await visitorOf((await write(laptop, "Dizüstünden", shown.version)).message.id);
    const merged = await visitorOf((await write(phone, "Telefondan", shown.version)).message.id);
    await setPrivacy({ notice: { tr: "", en: "Updated notice." } });
    const updated = (await notice())!;
    await write(phone, "Telefondan yeni sürüm", updated.version);

    const { contact } = await api<ContactResponse>("POST", `/api/contacts/${kept}/merge`, { otherId: merged });
    expect(contact.consents.map((c) => c.version).sort()).toEqual([shown.version, updated.version].sort());
    expect((await consentsOf(kept)).map((c) => c.version).sort()).toEqual([shown.version, updated.version].sort());
    expect(await consentsOf(merged)).toEqual([]);
    // The phone's widget now acts as the kept contact, who agreed to the current notice.
    phone.close();
    await write(await widget(phoneToken), "Birleştikten sonra");
  });

  it("lists both kinds on the contact, exports them and erases them", async () => {
    await setPrivacy({ policyUrl: POLICY, askConsent: true, notice: { tr: "", en: "" } });
    const shown = (await notice())!;
    const socket = await widget();
    await request(socket, "profile:update", { name: "Elif Onay", email: `elif-${randomUUID()}@example.com` });
    const sent = await write(socket, "Kargom nerede?", shown.version);
    const visitorId = await visitorOf(sent.message.id);
    const callId = randomUUID();
    const now = Date.now();
    await insertCall(t.deps.domain.db, {
      id: callId, visitor_id: visitorId, conversation_id: sent.message.conversationId, agent_id: null, status: "ended", media: "audio", recording_mode: "audio",
      created_at: now, answered_at: now, ended_at: now + 5_000, duration_ms: 5_000, end_reason: "caller_hung_up", mix_status: null,
      consent_mode: "audio", consent_at: now + 1, consent_version: "2026-12-02", inbox_id: shopId,
    });

    const { contact } = await api<ContactResponse>("GET", `/api/contacts/${visitorId}`);
    expect(contact.consents).toEqual([
      { kind: "call_recording", version: "2026-12-02", at: new Date(now + 1).toISOString(), inboxId: shopId, policyUrl: null, callId, mode: "audio" },
      expect.objectContaining({ kind: "privacy_notice", version: shown.version, inboxId: shopId, policyUrl: POLICY, callId: null, mode: null }),
    ]);

    const exported = await exportPerson(t.deps.domain, { actor: { type: "system" }, person: visitorId });
    const people = exported.document.people as { consents: { kind: string; wordingVersion: string | null; at: string | null }[] }[];
    expect(people[0]!.consents).toEqual([
      expect.objectContaining({ kind: "privacy_notice", wordingVersion: shown.version, policyUrl: POLICY, inboxId: shopId }),
      expect.objectContaining({ kind: "call_recording", wordingVersion: "2026-12-02", callId, mode: "audio" }),
    ]);

    const { report } = await api<{ report: EraseReportView }>("POST", `/api/contacts/${visitorId}/erase`, { confirm: visitorId });
    expect(report.counts.consents).toBe(2);
    expect(await consentsOf(visitorId)).toEqual([]);
    const call = await t.deps.domain.db.selectFrom("calls").selectAll().where("id", "=", callId).executeTakeFirstOrThrow();
    expect(call.consent_at).toBeNull();
  });
});
