import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/process.ts";

// CI runs the suite on the machine's Node 20 and again on Node 24 (.ci/run), telling each run which
// major it must be on (DESTEK_EXPECT_NODE): a run that silently fell back to the other Node, or to a
// better-sqlite3 built for the other one, fails here with a clear message instead of passing.

const manifest = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { engines: { node: string } };

/** The lowest version of each major that `engines.node` allows; it is written as `^A.B.C || ^D.E.F`. */
function supportedMajors(range: string): Map<number, [number, number]> {
  const majors = new Map<number, [number, number]>();
  for (const part of range.split("||").map((p) => p.trim())) {
    const match = /^\^(\d+)\.(\d+)\.(\d+)$/.exec(part);
    if (!match) throw new Error(`engines.node part "${part}" is not of the ^A.B.C form this test reads`);
    majors.set(Number(match[1]), [Number(match[2]), Number(match[3])]);
  }
  return majors;
}

describe("the Node.js the suite runs on", () => {
  const [major = 0, minor = 0, patch = 0] = process.versions.node.split(".").map(Number);

  it("is one that package.json's engines allows, and the one CI asked for", () => {
    const lowest = supportedMajors(manifest.engines.node).get(major);
    expect(lowest, `Node ${process.versions.node} is not in engines (${manifest.engines.node})`).toBeDefined();
    const [minMinor, minPatch] = lowest ?? [0, 0];
    expect(minor > minMinor || (minor === minMinor && patch >= minPatch), `Node ${process.versions.node} is older than engines allows`).toBe(true);
    const expected = process.env.DESTEK_EXPECT_NODE;
    if (expected) expect(major, `this run was meant for Node ${expected}`).toBe(Number(expected));
  });

  it("is also the `node` that scripts and spawned tools find on the PATH", () => {
    const onPath = execFileSync("node", ["-p", "process.versions.node"], { encoding: "utf8" }).trim();
    expect(onPath).toBe(process.versions.node);
  });

  it("loads better-sqlite3 built for this Node", () => {
    const db = new Database(":memory:");
    const row = db.prepare("select sqlite_version() as version").get() as { version: string };
    db.close();
    expect(row.version).toMatch(/^3\.\d+\.\d+$/);
  });
});
