import { afterAll, beforeAll } from "vitest";

/**
 * Starts a stage (`start`, e.g. startCallStage) before the suite's tests and closes it after them.
 * What it returns stands for the stage once started: read its parts inside a test or a helper a
 * test calls (e.g. `const { t, browser, shop } = stage;`), never while the suite is being declared.
 */
export function stageForSuite<S extends { close(): Promise<void> }>(start: () => Promise<S>): S {
  let started: S | undefined;
  beforeAll(async () => {
    started = await start();
  });
  afterAll(() => started?.close());
  return new Proxy({} as S, {
    get(_, key) {
      if (!started) throw new Error(`the stage is not started yet (reading ${String(key)}): read it inside a test`);
      return Reflect.get(started, key);
    },
  });
}
