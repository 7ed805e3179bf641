import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type CliResult, killAllDestek, runCli } from "./support/process.ts";

// Inboxes for automation: create one, read its snippet, set its members, list them.
describe("destek inbox", () => {
  let dataDir: string;
  // A CLI run starts a fresh process (TypeScript compiled on the fly): generous on a loaded machine.
  const destek = (args: string[], input = ""): Promise<CliResult> => runCli(args, { DATA_DIR: dataDir, LOG_LEVEL: "silent" }, input, 60_000);

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), "destek-inbox-cli-"));
  });
  afterEach(async () => {
    await killAllDestek();
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("creates an inbox with its snippet, sets its members and lists it", async () => {
    const agent = await destek(["agent", "add", "--username", "selin", "--name", "Selin"], "a long enough password\n");
    expect(agent.code, agent.stderr).toBe(0);
    const added = await destek(["inbox", "add", "--name", "Second site"]);
    expect(added.code, added.stderr).toBe(0);
    const id = added.stdout.match(/\(([\w-]+)\)/)?.[1] ?? "";
    expect(added.stdout).toContain(`<script src="http://localhost:3000/widget.js" data-inbox="${id}" async></script>`);

    const members = await destek(["inbox", "members", id, "selin"]);
    expect(members.code, members.stderr).toBe(0);
    expect(members.stdout).toContain("members: selin");
    const unknown = await destek(["inbox", "members", id, "nobody"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No agent is called "nobody"');

    const list = await destek(["inbox", "list"]);
    expect(list.code, list.stderr).toBe(0);
    // The default inbox (Selin joined it when created) and the new one.
    expect(list.stdout).toMatch(/^default\tWebsite\t1 members\t/m);
    expect(list.stdout).toContain(`${id}\tSecond site\t1 members\t`);
    const wrong = await destek(["inbox", "add"]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("inbox add needs --name");
  }, 400_000);
});
