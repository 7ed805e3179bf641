import { type Compilable, type CompiledQuery, createQueryId } from "kysely";
import type { Db } from "./database.ts";

interface Compiled<Row> {
  query: CompiledQuery<Row>;
  /** For each parameter of the compiled query, the argument it takes (undefined: a constant of the query). */
  slots: (number | undefined)[];
}

/** Stands for the i-th argument while the query is compiled: a string no caller passes. */
const marker = (i: number) => `\u0000destek-compiled-argument-${i}\u0000`;

/**
 * A query built and compiled once per dialect, then run with each call's arguments bound to its
 * parameters. Kysely otherwise builds and compiles its operation tree on every call: about a third of
 * a chat message's CPU on SQLite went there. Only for queries whose SQL text does not depend on the
 * arguments: each argument a scalar bound as one parameter (in `where`, `set`, `values`), never a
 * list, an optional part or a column name. Compiling checks that every argument became a parameter.
 */
export function compiledOnce<Args extends unknown[], Row>(build: (db: Db, ...args: Args) => Compilable<Row>): (db: Db, ...args: Args) => Promise<Row[]> {
  // Per dialect (SQLite's `?` or PostgreSQL's `$1`): a transaction shares its database's adapter.
  const byDialect = new Map<unknown, Compiled<Row>>();
  return async (db, ...args) => {
    const dialect = db.getExecutor().adapter.constructor;
    let compiled = byDialect.get(dialect);
    if (!compiled) {
      const markers = args.map((_, i) => marker(i));
      const query = build(db, ...(markers as Args)).compile();
      const slots = query.parameters.map((value) => {
        const i = markers.indexOf(value as string);
        return i === -1 ? undefined : i;
      });
      if (markers.some((_, i) => !slots.includes(i))) throw new Error(`compiledOnce: an argument did not become a parameter of ${query.sql}`);
      compiled = { query, slots };
      byDialect.set(dialect, compiled);
    }
    const { query, slots } = compiled;
    const parameters = query.parameters.map((value, k) => {
      const slot = slots[k];
      return slot === undefined ? value : args[slot];
    });
    const result = await db.executeQuery<Row>({ ...query, parameters, queryId: createQueryId() });
    return result.rows;
  };
}
