import type { Db } from "../../adapters/db/database.ts";
import { listAppSettings, upsertAppSetting } from "../../adapters/db/repositories/appSettings.ts";
import {
  INSTALL_SETTING_KEYS,
  type InstallSettingKey,
  type InstallSettings,
  type InstallSettingsPatch,
  type InstallSettingsView,
  installSettings,
  installSettingsPatch,
} from "../../protocol/settings.ts";
import { audit } from "../audit.ts";
import { forbidden, invalid } from "../errors.ts";
import type { Actor, Clock } from "../ports.ts";
import type { EventSink } from "../events.ts";
import { changesBetween } from "./settingsDiff.ts";

// Install-wide settings, live on every node without a restart. A key an admin never saved takes
// the environment's value (the first-boot default); a saved key wins over the environment.
// Reads go through a short cache: the node that saves drops its copy at once, and the others when
// they hear `settings.changed` (a cluster-wide event); should that be lost (Redis away), each node
// sees the change when its copy expires, within SETTINGS_CACHE_MS.

/** How old a node's copy of the settings may be: the longest a change takes to reach another node. */
export const SETTINGS_CACHE_MS = 3000;

/** Reads the settings in force. Built once per node (deps.ts); domain code reads through it. */
export interface SettingsReader {
  /**
   * The settings in force, at most SETTINGS_CACHE_MS old. Inside a transaction pass it as `via`:
   * SQLite has one connection, so a read outside the open transaction would wait for it forever.
   */
  current(via?: Db): Promise<InstallSettings>;
  /** The settings in force and which keys an admin saved. */
  view(via?: Db): Promise<InstallSettingsView>;
  /** Drops this node's copy (after a save here), so the next read is fresh. */
  invalidate(): void;
}

/** Saved values over the environment's; a stored value that no longer validates falls back to the environment. */
async function readFromDatabase(db: Db, defaults: InstallSettings): Promise<InstallSettingsView> {
  const settings: Record<string, unknown> = { ...defaults };
  const saved: InstallSettingKey[] = [];
  for (const row of await listAppSettings(db)) {
    const key = INSTALL_SETTING_KEYS.find((k) => k === row.key);
    if (!key) continue;
    let value: unknown;
    try {
      value = JSON.parse(row.value);
    } catch {
      continue;
    }
    const parsed = installSettings.shape[key].safeParse(value);
    if (!parsed.success) continue;
    settings[key] = parsed.data;
    saved.push(key);
  }
  return { settings: installSettings.parse(settings), saved };
}

/** A reader over `db` with the environment's values as defaults; `ttlMs` is the cache's life. */
export function createSettingsReader(db: Db, defaults: InstallSettings, ttlMs = SETTINGS_CACHE_MS): SettingsReader {
  let cached: { at: number; view: Promise<InstallSettingsView> } | null = null;
  const view = (via?: Db) => {
    const now = performance.now();
    if (cached && now - cached.at < ttlMs) return cached.view;
    const entry = { at: now, view: readFromDatabase(via ?? db, defaults) };
    cached = entry;
    // A failed read (database away) is not kept: the next read tries again.
    entry.view.catch(() => {
      if (cached === entry) cached = null;
    });
    return entry.view;
  };
  return {
    view,
    current: async (via?: Db) => (await view(via)).settings,
    invalidate: () => {
      cached = null;
    },
  };
}

/** A reader that always returns fixed settings, for domain tests that need no database. */
export function fixedSettings(settings: InstallSettings): SettingsReader {
  return { current: async () => settings, view: async () => ({ settings, saved: [] }), invalidate: () => undefined };
}

export interface SettingsDeps {
  db: Db;
  clock: Clock;
  settings: SettingsReader;
  /** `settings.changed` tells every node to read the settings again. */
  events: EventSink;
}

const adminOnly = () => forbidden("admin_only", "Only admins can change settings.");

/** The settings in force, for the console's Settings page (admins). */
export async function installSettingsFor(deps: SettingsDeps, actor: Actor): Promise<InstallSettingsView> {
  if (actor.type !== "agent" || actor.role !== "admin") throw adminOnly();
  return deps.settings.view();
}

/**
 * An admin saves some settings: each key saved wins over the environment from now on, on every
 * node. The audit log gets which keys changed, from what to what (none of them is a secret).
 */
export async function saveInstallSettings(deps: SettingsDeps, actor: Actor, input: unknown): Promise<InstallSettingsView> {
  if (actor.type !== "agent" || actor.role !== "admin") throw adminOnly();
  const parsed = installSettingsPatch.safeParse(input);
  if (!parsed.success) throw invalid("invalid_settings", parsed.error.issues.map((i) => `${i.path.join(".") || "settings"} ${i.message}`).join("; "));
  const patch: InstallSettingsPatch = parsed.data;
  deps.settings.invalidate();
  const before = (await deps.settings.view()).settings;
  const now = deps.clock.now();
  const changes = changesBetween(before, { ...before, ...patch });
  await deps.db.transaction().execute(async (trx) => {
    // Every key sent is saved, changed or not: saving pins it against a later change of the environment.
    for (const key of Object.keys(patch) as InstallSettingKey[]) {
      await upsertAppSetting(trx, { key, value: JSON.stringify(patch[key]), updated_at: now, updated_by: actor.agentId });
    }
    if (changes.keys.length > 0) {
      await audit(trx, now, { actor, action: "settings.changed", target: { type: "settings", id: "install" }, details: { keys: changes.keys, changes: changes.changes } });
    }
  });
  deps.settings.invalidate();
  deps.events.publish({ type: "settings.changed", keys: Object.keys(patch) });
  return deps.settings.view();
}
