import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import yauzl from "yauzl";
import { migrateToLatest } from "../../src/adapters/db/database.ts";
import { insertVisitor } from "../../src/adapters/db/repositories/chat.ts";
import { loadConfig } from "../../src/config.ts";
import { closeDeps, createDeps } from "../../src/deps.ts";
import { uploadAttachment } from "../../src/domain/chat/attachments.ts";
import { sendVisitorMessage } from "../../src/domain/chat/messages.ts";
import { type CliResult, killAllDestek, runCli } from "../support/process.ts";

/** The entries of a zip file, names to contents. */
function unzip(path: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    const entries = new Map<string, Buffer>();
    yauzl.open(path, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      zip.on("entry", (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError);
          const parts: Buffer[] = [];
          stream.on("data", (part: Buffer) => parts.push(part));
          stream.on("end", () => {
            entries.set(entry.fileName, Buffer.concat(parts));
            zip.readEntry();
          });
        });
      });
      zip.on("end", () => resolve(entries));
      zip.on("error", reject);
      zip.readEntry();
    });
  });
}

// An access request and an erasure request answered from the command line, on files encrypted at rest.
describe("destek contact export and erase", () => {
  let dataDir: string;
  const env = () => ({ DATA_DIR: dataDir, LOG_LEVEL: "silent", ENCRYPT_FILES: "true" });
  const destek = (args: string[], input = ""): Promise<CliResult> => runCli(args, env(), input, 90_000);
  const INVOICE = Buffer.from("Fatura no 2026-118, tutar 1.250 TL\n");

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "destek-contact-cli-"));
    const deps = createDeps(loadConfig(env()), { log: pino({ level: "silent" }) });
    try {
      await migrateToLatest(deps.database);
      const id = randomUUID();
      await insertVisitor(deps.domain.db, {
        id, token_hash: randomUUID(), name: "Zeynep Kaya", email: "zeynep@example.com", phone: null, language: "tr", user_agent: "Firefox",
        page_url: "https://shop.example/cart", page_title: null, first_seen_at: Date.now(), last_seen_at: Date.now(), metadata: null,
      });
      const visitor = (await deps.domain.db.selectFrom("visitors").selectAll().where("id", "=", id).executeTakeFirst())!;
      const attachment = await uploadAttachment(deps.domain, { uploader: `visitor:${id}`, data: INVOICE, fileName: "fatura.txt", voice: false, truncated: false });
      await sendVisitorMessage(deps.domain, visitor, { clientId: randomUUID(), body: "Faturam yanlış geldi", attachmentIds: [attachment.id], origin: { address: "127.0.0.1" } });
    } finally {
      await closeDeps(deps);
    }
  }, 120_000);
  afterEach(async () => {
    await killAllDestek();
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("exports everything about a person into one zip: the JSON and their files, decrypted", async () => {
    const out = join(dataDir, "zeynep.zip");
    const result = await destek(["contact", "export", "ZEYNEP@example.com", "--out", out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Wrote ${out}: person.json and 1 file(s).`);
    const entries = await unzip(out);
    const document = JSON.parse(entries.get("person.json")!.toString()) as { people: Array<Record<string, unknown> & { conversations: Array<{ messages: Array<{ text: string; files: string[] }> }> }> };
    const [person] = document.people;
    expect(person).toMatchObject({ name: "Zeynep Kaya", email: "zeynep@example.com", browser: "Firefox", lastPage: "https://shop.example/cart" });
    const [message] = person!.conversations[0]!.messages;
    expect(message!.text).toBe("Faturam yanlış geldi");
    expect(entries.get(message!.files[0]!)!.equals(INVOICE)).toBe(true);
  }, 200_000);

  it("erases only after the confirmation that names the person, then nothing is left to export", async () => {
    const declined = await destek(["contact", "erase", "zeynep@example.com"], "no\n");
    expect(declined.code).toBe(1);
    expect(declined.stderr).toContain("Zeynep Kaya <zeynep@example.com>");
    expect(declined.stderr).toContain("1 conversation(s), 1 message(s), 0 call(s), 1 file(s)");
    expect(declined.stderr).toContain("Nothing was erased.");

    const erased = await destek(["contact", "erase", "zeynep@example.com"], "erase\n");
    expect(erased.code, erased.stderr).toBe(0);
    expect(erased.stdout).toContain("Erased 1 contact(s): 1 conversation(s) kept as anonymous counts, 1 message(s), 0 note(s), 0 call(s) anonymised, 1 file(s) deleted.");

    const again = await destek(["contact", "export", "zeynep@example.com", "--out", join(dataDir, "again.zip")]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("No contact zeynep@example.com.");
  }, 300_000);

  it("explains its usage", async () => {
    const result = await destek(["contact", "export", "zeynep@example.com"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("contact export needs --out <file.zip>");
  }, 200_000);
});
