import { join } from "node:path";
import { mixEndedCalls, removeExpiredRecordings } from "../../domain/calls/recordings.ts";
import type { AppDeps } from "../../deps.ts";
import { findFfmpegMixer } from "./ffmpegMixer.ts";

const MIX_EVERY_MS = 5_000;
const RETENTION_EVERY_MS = 60 * 60 * 1000;

export interface RecordingJobs {
  stop(): Promise<void>;
}

/**
 * Everything that happens to recordings outside a request: a call that ends (on any node: `call.ended`
 * is a cluster-wide event) finalizes this node's recording legs of it; the mixing job joins the sides of ended calls; the retention job removes old
 * recordings (the retention setting, RECORDING_RETENTION_DAYS until an admin saves one). Every node runs them; the database hands out each piece
 * of work once.
 */
export function startRecordingJobs(deps: AppDeps): RecordingJobs {
  const { domain, log, recorder } = deps; // the recorder itself is closed with the deps
  const workDir = join(deps.config.dataDir, "tmp", "mixing");
  const mixer = findFfmpegMixer();
  mixer
    .then((found) => log.info({ ffmpeg: Boolean(found) }, found ? "recordings of both sides are mixed with ffmpeg" : "ffmpeg not found: recordings stay per side"))
    .catch((err: unknown) => log.error({ err }, "looking for ffmpeg failed"));

  const unsubscribe = deps.bus.subscribe((event) => {
    if (event.type !== "call.ended") return;
    const callId = event.call.id;
    recorder.finishCall(callId).catch((err: unknown) => log.error({ err, callId }, "finishing a call's recordings failed"));
  });

  let mixing: Promise<unknown> = Promise.resolve();
  const mixTimer = setInterval(() => {
    mixing = mixing.then(async () => {
      for (const outcome of await mixEndedCalls(domain, await mixer, workDir)) {
        if (outcome.status === "failed") log.error({ err: outcome.error, callId: outcome.callId }, "mixing a call's recordings failed");
        else if (outcome.status === "done") log.info({ callId: outcome.callId, size: outcome.recording.size }, "call recordings mixed");
      }
    }).catch((err: unknown) => log.error({ err }, "the mixing job failed"));
  }, MIX_EVERY_MS);
  mixTimer.unref();

  let retention: Promise<unknown> = Promise.resolve();
  // The retention is read at each run: an admin may change it in the console at any time.
  const removeExpired = () => {
    retention = domain.settings
      .current()
      .then(async ({ recordingRetentionDays: retentionDays }) => {
        if (!retentionDays) return;
        const removedAll = await removeExpiredRecordings(domain, retentionDays);
        for (const removed of removedAll) {
          log.info({ recordingId: removed.id, callId: removed.call_id, role: removed.role, createdAt: new Date(removed.created_at).toISOString(), retentionDays }, "recording removed after its retention period");
        }
      })
      .catch((err: unknown) => log.error({ err }, "the recording retention job failed"));
  };
  const retentionTimer = setInterval(removeExpired, RETENTION_EVERY_MS);
  retentionTimer.unref();
  const firstRun = setTimeout(removeExpired, 5_000);
  firstRun.unref();

  return {
    async stop() {
      unsubscribe();
      clearInterval(mixTimer);
      clearInterval(retentionTimer);
      clearTimeout(firstRun);
      await Promise.all([mixing, retention]);
    },
  };
}
