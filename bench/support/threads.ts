// Worker threads for the benchmarks' load generators, and the request/answer exchange with them.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

/** A worker thread running a TypeScript file of bench/support (Node's own loader does not take .ts in workers). */
export function spawnWorker(file: string): Worker {
  const url = pathToFileURL(resolve(import.meta.dirname, file)).href;
  return new Worker(`import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(url)}); })`, { eval: true });
}

/** Sends a message and waits for the answer of type `expect`; an `error` answer rejects. */
export function ask<T>(worker: Worker, message: unknown, expect: string): Promise<T> {
  return new Promise((ok, fail) => {
    const onMessage = (answer: { type: string; message?: string }) => {
      if (answer.type === "error") fail(new Error(answer.message));
      else if (answer.type === expect) ok(answer as T);
      else return;
      worker.off("message", onMessage);
    };
    worker.on("message", onMessage);
    worker.postMessage(message);
  });
}
