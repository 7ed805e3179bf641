import { randomUUID } from "node:crypto";
import type { AppDeps } from "../../deps.ts";
import { applyRetention, type RetentionReport } from "../../domain/privacy/retention.ts";
import type { BackgroundJob } from "../backgroundJob.ts";
import { claimJobRun, finishJobRun } from "../db/repositories/jobRuns.ts";

const JOB = "retention";
/** One run per hour for the whole install. */
export const RETENTION_EVERY_MS = 60 * 60 * 1000;
/**
 * How long a run holds its claim: longer than any run takes, so runs never overlap even when one
 * outlasts the hour; a node that died mid-run holds up the next run until it lapses.
 */
const LEASE_MS = 3 * 60 * 60 * 1000;
/** How often each node asks whether a run is due: a node that stops, another takes over within this. */
const CHECK_EVERY_MS = 5 * 60 * 1000;
const FIRST_CHECK_MS = 5_000;

/**
 * One retention run if one is due and this node wins it (a database claim: on several nodes, one
 * runs each hour). Null when there was nothing to do here. Each run writes one log line, and
 * applyRetention one audit entry whenever any retention setting is on.
 */
export async function runRetentionOnce(deps: Pick<AppDeps, "domain" | "log">, owner: string): Promise<RetentionReport | null> {
  const { domain, log } = deps;
  if (!(await claimJobRun(domain.db, JOB, owner, domain.clock.now(), { everyMs: RETENTION_EVERY_MS, leaseMs: LEASE_MS }))) return null;
  try {
    const report = await applyRetention(domain, domain.clock.now());
    const { failures, ...counts } = report;
    if (failures.length) log.error({ ...counts, failures }, "retention applied with failures");
    else log.info(counts, "retention applied");
    return report;
  } finally {
    await finishJobRun(domain.db, JOB, owner, domain.clock.now());
  }
}

/** The retention job (conversations, attachments, recordings): checks every few minutes, runs hourly on one node. */
export function startRetentionJob(deps: AppDeps): BackgroundJob {
  const owner = randomUUID();
  let running: Promise<unknown> = Promise.resolve();
  const check = () => {
    running = running.then(() => runRetentionOnce(deps, owner)).catch((err: unknown) => deps.log.error({ err }, "the retention job failed"));
  };
  const timer = setInterval(check, CHECK_EVERY_MS);
  timer.unref();
  const first = setTimeout(check, FIRST_CHECK_MS);
  first.unref();
  return {
    async stop() {
      clearInterval(timer);
      clearTimeout(first);
      await running;
    },
  };
}
