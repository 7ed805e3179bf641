// The history benchmarks (search, reports) seed a large support history into each engine and time the
// console's queries over it: SQLite in a temporary file, PostgreSQL in a database of the benchmark's
// own on the server TEST_DATABASE_URL (or DATABASE_URL) names, dropped afterwards. One runner, so both
// set up, seed, analyze and clean up the same way and their figures compare.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import pg from "pg";
import { type DatabaseHandle, migrateToLatest, openDatabase } from "../../src/adapters/db/database.ts";

export type Engine = "sqlite" | "postgres";

/** The command line of a history benchmark: `[messages=1000000] [engines=sqlite,postgres]`. */
export function historyArgs(argv = process.argv.slice(2)): { total: number; engines: Engine[] } {
  const total = Number(argv[0] ?? 1_000_000);
  if (!Number.isInteger(total) || total <= 0) throw new Error(`messages must be a positive whole number, not "${argv[0]}"`);
  const engines = (argv[1] ?? "sqlite,postgres").split(",").filter((e): e is Engine => e === "sqlite" || e === "postgres");
  return { total, engines };
}

/** mulberry32: a deterministic random source, so runs compare. */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs `once` after `warmups` untimed calls, `runs` times; the timed durations in ms, sorted, and the last answer. */
export async function timeRuns<R>(warmups: number, runs: number, once: () => Promise<R>): Promise<{ samples: number[]; last: R }> {
  const samples: number[] = [];
  let last: R | undefined;
  for (let run = -warmups; run < runs; run++) {
    const started = performance.now();
    last = await once();
    if (run >= 0) samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { samples, last: last as R };
}

export interface HistoryBench<T> {
  /** Names the temporary directory and the PostgreSQL database (`destek_bench_<name>`). */
  name: string;
  /** Messages in the history, for the log. */
  total: number;
  /** Writes the history into the freshly migrated database; `url` is the PostgreSQL database's, for a loader that goes straight through the driver. */
  seed(handle: DatabaseHandle, engine: Engine, url: string | undefined): Promise<void>;
  /** Times the queries over the seeded, analyzed history. */
  measure(handle: DatabaseHandle): Promise<T>;
}

export interface EngineResult<T> {
  engine: Engine;
  /** Seconds the seeding and the statistics took. */
  load: number;
  timings: T;
}

/** Seeds and measures on each engine asked for, one after the other; PostgreSQL only when a server is named. */
export async function runOnEngines<T>(bench: HistoryBench<T>, engines: Engine[]): Promise<EngineResult<T>[]> {
  const serverUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  const results: EngineResult<T>[] = [];
  if (engines.includes("sqlite")) {
    const dir = mkdtempSync(join(tmpdir(), `destek-bench-${bench.name}-`));
    try {
      results.push(await seedAndMeasure(bench, "sqlite", openDatabase({ kind: "sqlite", file: join(dir, "bench.sqlite") }), undefined));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (engines.includes("postgres")) {
    if (serverUrl) results.push(await onOwnPostgresDatabase(bench, serverUrl));
    else console.error("postgres: skipped (set TEST_DATABASE_URL or DATABASE_URL)");
  }
  return results;
}

async function onOwnPostgresDatabase<T>(bench: HistoryBench<T>, serverUrl: string): Promise<EngineResult<T>> {
  const name = `destek_bench_${bench.name}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
    const own = new URL(serverUrl);
    own.pathname = `/${name}`;
    return await seedAndMeasure(bench, "postgres", openDatabase({ kind: "postgres", url: own.toString() }), own.toString());
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

async function seedAndMeasure<T>(bench: HistoryBench<T>, engine: Engine, handle: DatabaseHandle, url: string | undefined): Promise<EngineResult<T>> {
  try {
    await migrateToLatest(handle);
    const started = performance.now();
    await bench.seed(handle, engine, url);
    // Fresh statistics, as a database that has lived with its data would have.
    await (engine === "sqlite" ? sql`analyze` : sql`vacuum analyze`).execute(handle.db);
    const load = (performance.now() - started) / 1000;
    console.error(`${engine}: ${bench.total} messages loaded in ${load.toFixed(0)} s`);
    return { engine, load, timings: await bench.measure(handle) };
  } finally {
    await handle.close();
  }
}

/** "sqlite 122 s, postgres 92 s": how long each engine's history took to load. */
export const loadTimes = (results: EngineResult<unknown>[]) => results.map((r) => `${r.engine} ${r.load.toFixed(0)} s`).join(", ");
