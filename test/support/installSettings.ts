import { upsertAppSetting } from "../../src/adapters/db/repositories/appSettings.ts";
import type { DomainDeps } from "../../src/domain/ports.ts";
import type { InstallSettingsPatch } from "../../src/protocol/settings.ts";

/**
 * Saves install-wide settings as an admin's save in the console would (the database wins over the
 * environment from then on), and drops this node's cached copy so the change is in force at once.
 */
export async function saveSettingsDirectly(domain: Pick<DomainDeps, "db" | "settings" | "clock">, patch: InstallSettingsPatch): Promise<void> {
  for (const [key, value] of Object.entries(patch)) {
    await upsertAppSetting(domain.db, { key, value: JSON.stringify(value), updated_at: domain.clock.now(), updated_by: null });
  }
  domain.settings.invalidate();
}
