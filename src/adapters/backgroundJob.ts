/** A piece of work that runs on its own timer (or listener) until stopped; `main` starts them all (src/jobs.ts). */
export interface BackgroundJob {
  stop(): Promise<void> | void;
}
