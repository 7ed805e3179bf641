import { startRecordingJobs } from "./adapters/recording/recordingJobs.ts";
import { startRetentionJob } from "./adapters/privacy/retentionJob.ts";
import { startOrphanUploadJob } from "./adapters/storage/uploadJobs.ts";
import { startMailJob } from "./adapters/mail/mailJob.ts";
import { startInboundMailJob } from "./adapters/mail/inboundServer.ts";
import { startPushJob } from "./adapters/push/pushJob.ts";
import type { Server } from "socket.io";
import { type BackgroundJob, repeatEvery } from "./adapters/backgroundJob.ts";
import type { AppDeps } from "./deps.ts";
import { missUnansweredCalls } from "./domain/calls/callService.ts";
import { startSessionSweepJob } from "./realtime/sessionSweep.ts";
import { startStrandedCallsJob } from "./realtime/strandedCalls.ts";
import { startAssignmentJob } from "./realtime/assignmentJob.ts";
import { startBusinessHoursJob } from "./realtime/businessHoursJob.ts";
import { startWebhookJob } from "./adapters/webhooks/webhookJob.ts";
import { startSearchIndexJob } from "./adapters/db/searchIndexJob.ts";
import { startSqliteCheckpoints } from "./adapters/db/sqliteCheckpoints.ts";

export type { BackgroundJob };

const RING_CHECK_EVERY_MS = 1000;

/** Unanswered calls turn into missed ones; every node checks, the database ends each call once. */
export function startRingTimeoutJob(deps: AppDeps): BackgroundJob {
  return repeatEvery(RING_CHECK_EVERY_MS, () => missUnansweredCalls(deps.domain), (err: unknown) => deps.log.error({ err }, "ending missed calls failed"));
}

/**
 * Every timer-driven job of a node, started by `main` (never by `buildApp`, so tests build an app
 * with no work running behind their back, and start the jobs themselves when they test them).
 */
export function startBackgroundJobs(deps: AppDeps, io: Server): BackgroundJob {
  const jobs: BackgroundJob[] = [
    startSqliteCheckpoints(deps.database, deps.log),
    startRingTimeoutJob(deps),
    startRecordingJobs(deps),
    startRetentionJob(deps),
    startSessionSweepJob(deps, io),
    startStrandedCallsJob(deps, io),
    startOrphanUploadJob(deps),
    startMailJob(deps),
    startInboundMailJob(deps),
    startAssignmentJob(deps, io),
    startBusinessHoursJob(deps, io),
    startPushJob(deps),
    startWebhookJob(deps),
    startSearchIndexJob(deps),
  ];
  return {
    async stop() {
      await Promise.all(jobs.map((job) => job.stop()));
    },
  };
}
