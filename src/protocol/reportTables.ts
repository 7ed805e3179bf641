// The tables of a report as rows of cells, and as CSV: the console's `Export CSV` buttons and
// GET /api/reports/csv make the same files. No zod here: the console imports this module.
import type { Report } from "./reports.ts";

export type ReportTableName = "conversations" | "response-times" | "ratings" | "calls" | "busiest-hours" | "agents";
export type Cell = string | number | null;

const WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
/** Seconds, to one decimal; empty when there is no figure. */
const seconds = (ms: number | null): Cell => (ms === null ? null : Math.round(ms / 100) / 10);

/** One table of the report: a header row, then the rows. */
export function reportTableRows(report: Report, table: ReportTableName): Cell[][] {
  switch (table) {
    case "conversations":
      return [["date", "conversations"], ...report.conversationsPerDay.map((d) => [d.date, d.conversations])];
    case "response-times":
      return [
        ["measure", "conversations", "median_seconds", "p90_seconds"],
        ["first_response", report.firstResponse.count, seconds(report.firstResponse.medianMs), seconds(report.firstResponse.p90Ms)],
        ["resolution", report.resolution.count, seconds(report.resolution.medianMs), seconds(report.resolution.p90Ms)],
      ];
    case "ratings":
      return [["score", "ratings"], ...report.ratings.distribution.map((d) => [d.score, d.count])];
    case "calls": {
      const c = report.calls;
      return [
        ["total", "answered", "missed", "rejected", "average_duration_seconds", "average_wait_seconds"],
        [c.total, c.answered, c.missed, c.rejected, seconds(c.averageDurationMs), seconds(c.averageWaitMs)],
      ];
    }
    case "busiest-hours":
      return [["weekday", ...Array.from({ length: 24 }, (_, h) => `${String(h).padStart(2, "0")}:00`)], ...report.busiestHours.map((hours, d) => [WEEKDAY_NAMES[d] ?? "", ...hours])];
    case "agents":
      return [["agent", "online_minutes", "conversations", "resolved"], ...report.agents.map((a) => [a.name, Math.round(a.onlineMs / 60_000), a.conversations, a.resolved])];
  }
}

/** RFC 4180: quoted when a cell holds a comma, a quote or a line break; CRLF between rows. A leading =, +, - or @ is defused for spreadsheets. */
export function toCsv(rows: Cell[][]): string {
  const cell = (value: Cell): string => {
    if (value === null) return "";
    let text = String(value);
    if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return `${rows.map((row) => row.map(cell).join(",")).join("\r\n")}\r\n`;
}

/** The file name a table downloads as: reports-conversations-2026-11-26-2026-12-02.csv. */
export function reportCsvName(report: Pick<Report, "from" | "to">, table: ReportTableName): string {
  return `reports-${table}-${report.from}-${report.to}.csv`;
}
