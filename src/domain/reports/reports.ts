import { randomUUID } from "node:crypto";
import type { AgentRow } from "../../adapters/db/repositories/agents.ts";
import {
  agentNames,
  availabilityChanges,
  callFigures,
  conversationSlots,
  conversationsByAssignee,
  firstResponseTimes,
  type Percentiles,
  ratingCounts,
  recordAvailabilityRow,
  type ReportScope,
  reportAgents,
  resolutionTimes,
} from "../../adapters/db/repositories/reports.ts";
import type { DurationStats, Report, ReportQuery } from "../../protocol/reports.ts";
import { notFound } from "../errors.ts";
import { visibleInboxes } from "../inboxes/visibility.ts";
import type { DomainDeps } from "../ports.ts";
import { datesBetween, daysBefore, localBucket, nextDate, slotWidthFor, startOfLocalDay, zoneLocator } from "./zoneBuckets.ts";

/** The range when none is asked for: the last 7 days, today included. */
const DEFAULT_DAYS = 7;

// The Reports page: every figure is one SQL aggregate over the range (repositories/reports.ts),
// limited to the inboxes the agent sees (admins: all), as the rest of the console is. Local days
// and hours come from UTC hour (or quarter-hour) slots placed in the time zone here (zoneBuckets.ts).

/** The report of `query` as `agent` may see it. */
export async function buildReport(deps: DomainDeps, agent: Pick<AgentRow, "id" | "role">, query: ReportQuery): Promise<Report> {
  const timeZone = query.timeZone ?? deps.calls.timezone;
  const to = query.to ?? localBucket(deps.clock.now(), timeZone).date;
  const from = query.from ?? daysBefore(to, DEFAULT_DAYS - 1);
  const visible = await visibleInboxes(deps, agent);
  if (query.inboxId !== undefined && visible !== "all" && !visible.includes(query.inboxId)) throw notFound("inbox_not_found", "No such inbox.");
  const scope: ReportScope = {
    start: startOfLocalDay(from, timeZone),
    end: startOfLocalDay(nextDate(to), timeZone),
    inboxes: query.inboxId !== undefined ? [query.inboxId] : visible,
    agentId: query.agentId,
  };
  const slotMs = slotWidthFor(timeZone, scope.start, scope.end);
  const [slots, first, resolution, ratings, calls, byAssignee, changes, listed] = await Promise.all([
    conversationSlots(deps.db, scope, slotMs),
    firstResponseTimes(deps.db, scope),
    resolutionTimes(deps.db, scope),
    ratingCounts(deps.db, scope),
    callFigures(deps.db, scope),
    conversationsByAssignee(deps.db, scope),
    availabilityChanges(deps.db, scope),
    reportAgents(deps.db, scope.inboxes),
  ]);

  const dates = datesBetween(from, to);
  const perDay = new Map(dates.map((d) => [d, 0]));
  const busiest = Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0));
  const locate = zoneLocator(timeZone);
  for (const { slot, n } of slots) {
    const at = locate(slot * slotMs);
    if (perDay.has(at.date)) perDay.set(at.date, (perDay.get(at.date) ?? 0) + n);
    const row = busiest[at.weekday];
    if (row) row[at.hour] = (row[at.hour] ?? 0) + n;
  }

  const distribution = [1, 2, 3, 4, 5].map((score) => ({ score, count: ratings.filter((r) => r.score === score).reduce((sum, r) => sum + r.n, 0) }));
  const ratingCount = distribution.reduce((sum, d) => sum + d.count, 0);
  const average = ratingCount === 0 ? null : distribution.reduce((sum, d) => sum + d.score * d.count, 0) / ratingCount;

  return {
    from,
    to,
    timeZone,
    inboxId: query.inboxId ?? null,
    agentId: query.agentId ?? null,
    conversationsPerDay: dates.map((date) => ({ date, conversations: perDay.get(date) ?? 0 })),
    firstResponse: stats(first),
    resolution: stats(resolution),
    ratings: { count: ratingCount, average, distribution },
    calls,
    busiestHours: busiest,
    agents: await agentRows(deps, scope, listed, byAssignee, changes),
  };
}

const stats = (p: Percentiles): DurationStats => ({ count: p.count, medianMs: p.p50, p90Ms: p.p90 });

async function agentRows(
  deps: DomainDeps,
  scope: ReportScope,
  listed: Array<{ id: string; name: string }>,
  byAssignee: Array<{ agentId: string; conversations: number; resolved: number }>,
  changes: Array<{ agentId: string; available: boolean; at: number }>,
): Promise<Report["agents"]> {
  const names = new Map(listed.map((a) => [a.id, a.name]));
  // An agent with conversations in the range is listed even when disabled since, or gone from the inbox.
  const missing = byAssignee.map((a) => a.agentId).filter((id) => !names.has(id));
  for (const [id, name] of await agentNames(deps.db, missing)) names.set(id, name);
  const ids = [...names.keys()].filter((id) => scope.agentId === undefined || id === scope.agentId);
  const online = onlineTime(changes, scope.start, Math.min(scope.end, deps.clock.now()));
  return ids
    .map((id) => {
      const handled = byAssignee.find((a) => a.agentId === id);
      return { agentId: id, name: names.get(id) ?? "", onlineMs: online.get(id) ?? 0, conversations: handled?.conversations ?? 0, resolved: handled?.resolved ?? 0 };
    })
    .sort((a, b) => a.name.localeCompare(b.name) || a.agentId.localeCompare(b.agentId));
}

/** Per agent, the time available within [start, end): changes hold each agent's state before start (if any), then their changes in order. */
export function onlineTime(changes: ReadonlyArray<{ agentId: string; available: boolean; at: number }>, start: number, end: number): Map<string, number> {
  const state = new Map<string, { available: boolean; since: number }>();
  const total = new Map<string, number>();
  const add = (agentId: string, from: number, to: number) => {
    const ms = Math.min(to, end) - Math.max(from, start);
    if (ms > 0) total.set(agentId, (total.get(agentId) ?? 0) + ms);
  };
  for (const change of [...changes].sort((a, b) => a.at - b.at)) {
    const now = state.get(change.agentId);
    if (now?.available) add(change.agentId, now.since, change.at);
    state.set(change.agentId, { available: change.available, since: change.at });
  }
  for (const [agentId, now] of state) if (now.available) add(agentId, now.since, end);
  return total;
}

/** Notes that an agent became available or stopped (status online with a console open on any node). */
export async function recordAvailability(deps: Pick<DomainDeps, "db" | "clock">, agentId: string, available: boolean): Promise<void> {
  await recordAvailabilityRow(deps.db, { id: randomUUID(), agentId, available, at: deps.clock.now() });
}
