import type { CallRecorder } from "../../domain/calls/recordings.ts";

/**
 * A recorder made on first use. Recording can be switched on in the console at any time, so every
 * node has a recorder; this one opens no socket and starts no timer until a call is recorded.
 */
export function lazyRecorder(create: () => CallRecorder): CallRecorder {
  let recorder: CallRecorder | undefined;
  return {
    record(leg) {
      recorder ??= create();
      return recorder.record(leg);
    },
    async finishCall(callId) {
      await recorder?.finishCall(callId);
    },
    async close() {
      await recorder?.close();
    },
  };
}
