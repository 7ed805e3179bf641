import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

// Forcing garbage collection without --expose-gc on the command line: the flag can be set at run
// time, and a fresh context then exposes `gc`. So memory tests need no special vitest options.
function collector(): () => void {
  const given = (globalThis as { gc?: () => void }).gc;
  if (given) return given;
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

/** Heap in use after full collections, with event-loop turns between them so pending work and finalizers settle. */
export async function settledHeapBytes(): Promise<number> {
  const gc = collector();
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}
