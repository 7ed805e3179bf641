import { z } from "zod";
import { nulFree, text } from "./text.ts";

// Inboxes: one per website (or brand) served from one install. Each inbox carries its own widget
// look, business hours, call settings, Telegram team chat and member agents. The settings are one
// JSON document per inbox (validated by `inboxSettings` on every write and read), so adding a
// setting needs no migration: a missing key takes its default.

/** The inbox every conversation from before inboxes existed belongs to, and `/widget.js` without an inbox. */
export const DEFAULT_INBOX_ID = "default";

/** Whether the runtime knows an IANA time zone of this name. */
export const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

export const timeZone = text().max(64).refine(isTimeZone, "must be an IANA time zone such as Europe/Istanbul");

/** "09:00"; "24:00" ends a day. */
export const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, "must be a time such as 09:00");

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export const weekday = z.enum(WEEKDAYS);
export type Weekday = z.infer<typeof weekday>;

export const openInterval = z
  .object({ from: clockTime, to: clockTime })
  .refine((i) => i.from < i.to, "must end after it starts");
export type OpenInterval = z.infer<typeof openInterval>;

const day = z.array(openInterval).max(4).default([]);
const workday = () => z.array(openInterval).max(4).default([{ from: "09:00", to: "18:00" }]);

export const holiday = z.object({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date such as 2026-10-29"),
  name: text().trim().max(80).default(""),
});
export type Holiday = z.infer<typeof holiday>;

/** When the team answers, in the inbox's time zone. Disabled: always open (who is online still counts). */
export const businessHours = z.object({
  enabled: z.boolean().default(false),
  timezone: timeZone.default("Europe/Istanbul"),
  weekly: z
    .object({ mon: workday(), tue: workday(), wed: workday(), thu: workday(), fri: workday(), sat: day, sun: day })
    .default({
      mon: [{ from: "09:00", to: "18:00" }],
      tue: [{ from: "09:00", to: "18:00" }],
      wed: [{ from: "09:00", to: "18:00" }],
      thu: [{ from: "09:00", to: "18:00" }],
      fri: [{ from: "09:00", to: "18:00" }],
      sat: [],
      sun: [],
    }),
  holidays: z.array(holiday).max(366).default([]),
});
export type BusinessHours = z.infer<typeof businessHours>;

export const preChatField = z.enum(["required", "optional", "off"]);
export const preChatFields = z.object({ name: preChatField, email: preChatField, phone: preChatField });
export type PreChatFields = z.infer<typeof preChatFields>;

export const widgetLanguage = z.enum(["tr", "en"]);

/** What the visitor sees. Greetings are per language; an empty one uses the built-in text. */
export const widgetSettings = z.object({
  colour: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, "must be a colour such as #1f6feb")
    .default("#1f6feb"),
  position: z.enum(["right", "left"]).default("right"),
  greeting: z.object({ tr: text().trim().max(500).default(""), en: text().trim().max(500).default("") }).default({ tr: "", en: "" }),
  /** Undefined: the install-wide PRECHAT_FIELDS. */
  preChat: preChatFields.optional(),
  /** The languages the widget offers; the first is its default. */
  languages: z.array(widgetLanguage).min(1).max(2).default(["tr", "en"]),
});
export type WidgetSettings = z.infer<typeof widgetSettings>;

export const inboxCallSettings = z.object({
  /** Whether the widget offers calls at all. */
  enabled: z.boolean().default(true),
  video: z.boolean().default(true),
  /** Undefined: the install-wide ring time. */
  ringTimeoutS: z.number().int().min(5).max(600).optional(),
});
export type InboxCallSettings = z.infer<typeof inboxCallSettings>;

/** Automatic assignment: round-robin among the inbox's online members under their capacity. */
export const assignmentSettings = z.object({
  auto: z.boolean().default(false),
  /** Most open conversations an agent is given automatically; manual assignment ignores it. */
  capacity: z.number().int().min(1).max(1000).default(10),
});
export type AssignmentSettings = z.infer<typeof assignmentSettings>;

/**
 * The pre-chat privacy notice (widget): a link to the site's privacy policy and, when `askConsent`,
 * a required `I agree to the privacy notice` checkbox before the first message. The notice text is
 * the built-in one unless a language's own text is set. Nothing set: the widget shows nothing.
 */
export const privacySettings = z.object({
  /** The site's privacy policy, opened in a new tab; https only. */
  policyUrl: z.url({ protocol: /^https$/, message: "must be an https URL" }).max(2000).check(nulFree).nullable().default(null),
  askConsent: z.boolean().default(false),
  notice: z
    .object({ tr: text().trim().max(1000).default(""), en: text().trim().max(1000).default("") })
    .default({ tr: "", en: "" }),
});
export type PrivacySettings = z.infer<typeof privacySettings>;

export const inboxSettings = z.object({
  widget: widgetSettings.default(widgetSettings.parse({})),
  hours: businessHours.default(businessHours.parse({})),
  calls: inboxCallSettings.default(inboxCallSettings.parse({})),
  assignment: assignmentSettings.default(assignmentSettings.parse({})),
  privacy: privacySettings.default(privacySettings.parse({})),
  /** The Telegram team chat this inbox's alerts go to; null: the install's TELEGRAM_ADMIN_CHAT_ID. */
  telegramChatId: z
    .string()
    .regex(/^-?\d{1,20}$/, "must be a numeric Telegram chat id")
    .nullable()
    .default(null),
});
export type InboxSettings = z.infer<typeof inboxSettings>;

// The inboxes over HTTP (/api/inboxes). Clients import types only.

/** An inbox id in a URL or on the widget's handshake: "default" or a generated UUID. */
export const inboxId = z.string().regex(/^[\w-]{1,64}$/, "must be an inbox id");

export const inboxView = z.object({
  id: z.string(),
  name: z.string(),
  isDefault: z.boolean(),
  /** The embed tag a site pastes: `/widget.js` with `data-inbox` naming this inbox. */
  snippet: z.string(),
  /** The member agents' ids: they see this inbox's conversations and calls (admins see every inbox). */
  memberIds: z.array(z.string()),
  createdAt: z.string(),
});
export type InboxView = z.infer<typeof inboxView>;

export const inboxName = text().trim().min(1).max(80);
export const newInbox = z.object({ name: inboxName });
export type NewInbox = z.infer<typeof newInbox>;
export const inboxChanges = z.object({ name: inboxName });
export type InboxChanges = z.infer<typeof inboxChanges>;
/** The whole member list at once (the console's `Save members`). */
export const inboxMembers = z.object({ agentIds: z.array(z.uuid()).max(1000) });
export type InboxMembers = z.infer<typeof inboxMembers>;
export const inboxMember = z.object({ agentId: z.uuid() });

export const inboxListResponse = z.object({ inboxes: z.array(inboxView) });
export type InboxListResponse = z.infer<typeof inboxListResponse>;
export const inboxResponse = z.object({ inbox: inboxView });
export type InboxResponse = z.infer<typeof inboxResponse>;

/** The embed tag for an inbox on a server at `publicUrl`. */
export function embedSnippet(publicUrl: string, id: string): string {
  return `<script src="${publicUrl}/widget.js" data-inbox="${id}" async></script>`;
}
