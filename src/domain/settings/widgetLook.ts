import { DEFAULT_INBOX_ID, type PreChatFields } from "../../protocol/inboxes.ts";
import type { WidgetLook } from "../../protocol/settings.ts";
import { findInboxSettingsRow } from "../../adapters/db/repositories/appSettings.ts";
import { parseInboxSettings } from "../inboxes/inboxSettings.ts";
import type { SettingsDeps } from "./installSettings.ts";
import type { WidgetPrivacyNotice } from "../../protocol/privacy.ts";
import { widgetNotice } from "../privacy/privacyNotice.ts";

/**
 * What a widget of `inboxId` shows in `language` (or the first language offered, when that one is
 * not): its inbox's look, the pre-chat fields (the
 * inbox's own, else the install's), the privacy notice and the languages both the inbox and the install offer. An
 * unknown or absent inbox is the default one, so an old snippet keeps working.
 */
export async function widgetLookFor(
  deps: Pick<SettingsDeps, "db" | "settings">,
  inboxId: string | undefined,
  language: "tr" | "en",
): Promise<WidgetLook & { preChat: PreChatFields; privacy: WidgetPrivacyNotice | null }> {
  const wanted = inboxId ?? DEFAULT_INBOX_ID;
  let id = wanted;
  let row = await findInboxSettingsRow(deps.db, wanted);
  if (!row && wanted !== DEFAULT_INBOX_ID) {
    id = DEFAULT_INBOX_ID;
    row = await findInboxSettingsRow(deps.db, DEFAULT_INBOX_ID);
  }
  const inbox = row ? parseInboxSettings(row.settings) : undefined;
  const install = await deps.settings.current();
  const widget = inbox?.widget;
  const offered = (widget?.languages ?? install.languages).filter((l) => install.languages.includes(l));
  const languages = offered.length > 0 ? offered : install.languages;
  // The widget speaks the visitor's language when it is offered, else the first one offered.
  const spoken = languages.includes(language) ? language : (languages[0] ?? language);
  return {
    inboxId: id,
    // Null until an admin saves the inbox's look: the widget keeps its built-in accent.
    colour: row && colourWasSaved(row.settings) ? (widget?.colour ?? null) : null,
    position: widget?.position ?? "right",
    greeting: widget?.greeting[spoken] ?? "",
    languages,
    callsEnabled: inbox?.calls.enabled ?? true,
    preChat: widget?.preChat ?? install.preChat,
    privacy: inbox ? widgetNotice(inbox.privacy, spoken) : null,
  };
}

function colourWasSaved(json: string): boolean {
  try {
    const raw: unknown = JSON.parse(json);
    const widget = typeof raw === "object" && raw !== null && "widget" in raw ? raw.widget : undefined;
    return typeof widget === "object" && widget !== null && "colour" in widget;
  } catch {
    return false;
  }
}
