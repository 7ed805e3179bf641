import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/db/database.ts";
import { findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { upsertAppSetting } from "../../src/adapters/db/repositories/appSettings.ts";
import { listAudit } from "../../src/adapters/db/repositories/audit.ts";
import { loadConfig } from "../../src/config.ts";
import { installSettingsDefaults } from "../../src/deps.ts";
import { createSettingsReader, SETTINGS_CACHE_MS, saveInstallSettings } from "../../src/domain/settings/installSettings.ts";
import type { Actor } from "../../src/domain/ports.ts";
import { teamAlertChats } from "../../src/domain/settings/teamChat.ts";
import { testDatabases } from "../support/databases.ts";
import { testRedisUrl } from "../support/redis.ts";
import { addAgent, startTestApp, type TestApp } from "../support/testApp.ts";

// The install-wide settings store: the environment gives first-boot defaults, a save in the
// console wins from then on, and every node reads the saved value within the cache's life.

describe.each(testDatabases())("install settings store on $name", (database) => {
  let handle: DatabaseHandle & { dispose(): Promise<void> };
  let nodeA: TestApp;
  let nodeB: TestApp;
  let admin: Actor;
  const env = { RECORDING: "off", CALL_RING_TIMEOUT_S: "45", CALL_DAILY_LIMIT: "7", PRECHAT_FIELDS: "name:required,email:off,phone:off" };

  beforeAll(async () => {
    handle = await database.open();
    // Two app instances on one database: two nodes, each with its own cache.
    nodeA = await startTestApp({ database: handle, env });
    nodeB = await startTestApp({ database: handle, env });
    await addAgent(nodeA.deps, "root", { admin: true });
    const row = (await findAgentByUsername(handle.db, "root"))!;
    admin = { type: "agent", agentId: row.id, sessionId: "s", role: "admin" };
  });
  afterAll(async () => {
    await nodeA?.close();
    await nodeB?.close();
    await handle?.dispose();
  });

  it("takes every key from the environment until an admin saves it", async () => {
    const view = await nodeA.deps.domain.settings.view();
    expect(view.saved).toEqual([]);
    expect(view.settings).toEqual({
      recording: "off",
      recordingRetentionDays: null,
      conversationRetentionDays: null,
      attachmentRetentionDays: null,
      callDailyLimit: 7,
      callVisitorDailyLimit: 3,
      callAgentDailyLimit: null,
      ringTimeoutS: 45,
      preChat: { name: "required", email: "off", phone: "off" },
      languages: ["tr", "en"],
      telegramChatId: null,
    });
  });

  it("lets a saved value win over the environment, on the saving node at once, and audits old and new values", async () => {
    const saved = await saveInstallSettings(nodeA.deps.domain, admin, { ringTimeoutS: 20, recording: "audio" });
    expect(saved.settings).toMatchObject({ ringTimeoutS: 20, recording: "audio", callDailyLimit: 7 });
    expect(saved.saved.sort()).toEqual(["recording", "ringTimeoutS"]);
    expect(await nodeA.deps.domain.settings.current()).toMatchObject({ ringTimeoutS: 20, recording: "audio" });
    const [entry] = await listAudit(handle.db, { limit: 1, action: "settings.changed" });
    expect(entry).toMatchObject({ actor_id: admin.type === "agent" ? admin.agentId : null, target_type: "settings" });
    const details = typeof entry?.details === "string" ? JSON.parse(entry.details) : entry?.details;
    expect(details).toEqual({
      keys: ["recording", "ringTimeoutS"],
      changes: { recording: { from: "off", to: "audio" }, ringTimeoutS: { from: 45, to: 20 } },
    });
  });

  it("reaches another node within the cache's life, with no restart", async () => {
    await nodeB.deps.domain.settings.current(); // B holds a copy now
    await saveInstallSettings(nodeA.deps.domain, admin, { callDailyLimit: 99, telegramChatId: "-100123" });
    await expect
      .poll(async () => (await nodeB.deps.domain.settings.current()).callDailyLimit, { timeout: SETTINGS_CACHE_MS * 5, interval: 200 })
      .toBe(99);
    expect(await nodeB.deps.domain.settings.current()).toMatchObject({ telegramChatId: "-100123", ringTimeoutS: 20 });
  });

  it("a new node started with other environment values still takes the saved ones", async () => {
    const config = loadConfig({ CALL_RING_TIMEOUT_S: "300", RECORDING: "audio+video", DATA_DIR: "/tmp/unused" });
    const reader = createSettingsReader(handle.db, installSettingsDefaults(config));
    expect(await reader.current()).toMatchObject({ ringTimeoutS: 20, recording: "audio", callDailyLimit: 99, callVisitorDailyLimit: 3 });
  });

  it("falls back to the environment for a stored value that no longer validates", async () => {
    await upsertAppSetting(handle.db, { key: "callVisitorDailyLimit", value: '"lots"', updated_at: 0, updated_by: null });
    await upsertAppSetting(handle.db, { key: "noSuchSetting", value: "1", updated_at: 0, updated_by: null });
    const reader = createSettingsReader(handle.db, installSettingsDefaults(loadConfig({ CALL_VISITOR_DAILY_LIMIT: "4", DATA_DIR: "/tmp/unused" })));
    const view = await reader.view();
    expect(view.settings.callVisitorDailyLimit).toBe(4);
    expect(view.saved).not.toContain("callVisitorDailyLimit");
  });

  it("reads inside an open transaction through it (SQLite's one connection would wait for it forever)", async () => {
    const uncached = createSettingsReader(handle.db, installSettingsDefaults(loadConfig({ DATA_DIR: "/tmp/unused" })), 0);
    const inside = await handle.db.transaction().execute((trx) => teamAlertChats({ settings: uncached }, trx));
    expect(inside).toEqual(["-100123"]);
  });

  it("refuses agents and bad values with stable ids", async () => {
    const agent: Actor = { type: "agent", agentId: "x", sessionId: "s", role: "agent" };
    await expect(saveInstallSettings(nodeA.deps.domain, agent, { ringTimeoutS: 30 })).rejects.toMatchObject({ id: "admin_only" });
    await expect(saveInstallSettings(nodeA.deps.domain, admin, { ringTimeoutS: 2 })).rejects.toMatchObject({ id: "invalid_settings" });
    await expect(saveInstallSettings(nodeA.deps.domain, admin, { colour: "#fff" })).rejects.toMatchObject({ id: "invalid_settings" });
    await expect(saveInstallSettings(nodeA.deps.domain, admin, {})).rejects.toMatchObject({ id: "invalid_settings" });
  });
});

const redisUrl = testRedisUrl();
const postgres = testDatabases().find((d) => d.name === "postgres");

describe.runIf(redisUrl && postgres)("install settings across nodes with Redis", () => {
  it("reach another node as soon as it hears settings.changed, not when its copy expires", async () => {
    const handle = await postgres!.open();
    const env = { REDIS_URL: redisUrl!, SECRET_KEY: randomUUID() + randomUUID(), CALL_DAILY_LIMIT: "7" };
    const nodeA = await startTestApp({ database: handle, env });
    const nodeB = await startTestApp({ database: handle, env });
    try {
      await Promise.all([nodeA.deps.bus.ready(), nodeB.deps.bus.ready()]);
      await addAgent(nodeA.deps, "root", { admin: true });
      const row = (await findAgentByUsername(handle.db, "root"))!;
      const admin: Actor = { type: "agent", agentId: row.id, sessionId: "s", role: "admin" };
      expect((await nodeB.deps.domain.settings.current()).callDailyLimit).toBe(7); // B holds a copy now
      const heard = new Promise<number>((resolve) => {
        nodeB.deps.bus.subscribe((event, origin) => {
          if (event.type === "settings.changed" && origin.remote) resolve(Date.now());
        });
      });
      const savedAt = Date.now();
      await saveInstallSettings(nodeA.deps.domain, admin, { callDailyLimit: 42 });
      const heardAt = await heard;
      expect(heardAt - savedAt).toBeLessThan(SETTINGS_CACHE_MS);
      expect((await nodeB.deps.domain.settings.current()).callDailyLimit).toBe(42);
    } finally {
      await nodeA.close();
      await nodeB.close();
      await handle.dispose();
    }
  });
});
