import { z } from "zod";
import { inboxId, timeZone } from "./inboxes.ts";

// The Reports page and GET /api/reports: figures for a range of local dates, in the install's time
// zone (or one asked for), for every inbox the agent sees or one of them, for the team or one agent.

/** The longest range one report covers: a year and a day. */
export const MAX_REPORT_DAYS = 367;

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date such as 2026-12-03")
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), "must be a real date");

const dayCount = (from: string, to: string) => (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;

const reportQueryFields = z.object({
  /** Both left out: the last 7 days, today included, in the time zone. */
  from: isoDate.optional(),
  to: isoDate.optional(),
  inboxId: inboxId.optional(),
  agentId: z.uuid().optional(),
  /** An IANA zone; the install's TIMEZONE when left out. */
  timeZone: timeZone.optional(),
});
const rangeChecked = <T extends z.ZodType<{ from?: string | undefined; to?: string | undefined }>>(schema: T) =>
  schema
    .refine((q) => (q.from === undefined) === (q.to === undefined), { message: "from and to go together", path: ["to"] })
    .refine((q) => !q.from || !q.to || q.from <= q.to, { message: "must not be before from", path: ["to"] })
    .refine((q) => !q.from || !q.to || dayCount(q.from, q.to) <= MAX_REPORT_DAYS, { message: `must be at most ${MAX_REPORT_DAYS} days after from`, path: ["to"] });

export const reportQuery = rangeChecked(reportQueryFields);
export type ReportQuery = z.infer<typeof reportQuery>;

/** A duration's spread over the conversations that had one (milliseconds; null when none did). */
export const durationStats = z.object({ count: z.number().int(), medianMs: z.number().nullable(), p90Ms: z.number().nullable() });
export type DurationStats = z.infer<typeof durationStats>;

export const report = z.object({
  from: z.string(),
  to: z.string(),
  timeZone: z.string(),
  inboxId: z.string().nullable(),
  agentId: z.string().nullable(),
  /** Conversations started on each local date of the range, every date listed. */
  conversationsPerDay: z.array(z.object({ date: z.string(), conversations: z.number().int() })),
  /** Of the conversations started in the range: until an agent's first message, and until resolved. */
  firstResponse: durationStats,
  resolution: durationStats,
  /** Ratings given in the range: scores 1 to 5, each listed. */
  ratings: z.object({ count: z.number().int(), average: z.number().nullable(), distribution: z.array(z.object({ score: z.number().int(), count: z.number().int() })) }),
  /** Calls placed in the range. Duration and wait are averaged over answered calls. */
  calls: z.object({
    total: z.number().int(),
    answered: z.number().int(),
    missed: z.number().int(),
    rejected: z.number().int(),
    averageDurationMs: z.number().nullable(),
    averageWaitMs: z.number().nullable(),
  }),
  /** Conversations started per local weekday (0 Monday … 6 Sunday) and hour (0-23): busiest[weekday][hour]. */
  busiestHours: z.array(z.array(z.number().int())),
  /** Per agent: time available (status online with a console open) and conversations assigned among those started. */
  agents: z.array(z.object({ agentId: z.string(), name: z.string(), onlineMs: z.number(), conversations: z.number().int(), resolved: z.number().int() })),
});
export type Report = z.infer<typeof report>;

export const REPORT_TABLES = ["conversations", "response-times", "ratings", "calls", "busiest-hours", "agents"] as const;
export const reportTable = z.enum(REPORT_TABLES);
/** GET /api/reports/csv: one table of the report, as a CSV file. */
export const reportCsvQuery = rangeChecked(reportQueryFields.extend({ table: reportTable }));
