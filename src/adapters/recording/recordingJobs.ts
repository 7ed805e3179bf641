import { join } from "node:path";
import { mixEndedCalls } from "../../domain/calls/recordings.ts";
import type { AppDeps } from "../../deps.ts";
import { findFfmpegMixer } from "./ffmpegMixer.ts";
import { salvageRecordings } from "./recordingSalvage.ts";

const MIX_EVERY_MS = 5_000;
/** Legs left by a killed node: looked for at start, then now and then (another node may die). */
const SALVAGE_EVERY_MS = 60_000;

export interface RecordingJobs {
  stop(): Promise<void>;
}

/**
 * Everything that happens to recordings outside a request: a call that ends (on any node: `call.ended`
 * is a cluster-wide event) finalizes this node's recording legs of it; the mixing job joins the sides
 * of ended calls. Every node runs them; the database hands out each piece of work once. Old
 * recordings go with the retention job (adapters/privacy/retentionJob.ts).
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

  // A killed node's unfinished legs (its own before a restart, or another's in a shared DATA_DIR).
  const legsDir = join(deps.config.dataDir, "tmp", "recordings");
  let salvaging: Promise<unknown> = Promise.resolve();
  const salvage = () => {
    salvaging = salvaging
      .then(() => salvageRecordings(domain, legsDir, log))
      .catch((err: unknown) => log.error({ err }, "salvaging killed recordings failed"));
  };
  salvage();
  const salvageTimer = setInterval(salvage, SALVAGE_EVERY_MS);
  salvageTimer.unref();

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

  return {
    async stop() {
      unsubscribe();
      clearInterval(mixTimer);
      clearInterval(salvageTimer);
      await Promise.all([mixing, salvaging]);
    },
  };
}
