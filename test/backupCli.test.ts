import { randomBytes, randomUUID } from "node:crypto";
import { copyFileSync, createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import pino from "pino";
import { pipeline } from "node:stream/promises";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { ZipFile } from "yazl";
import { openBackupArchive } from "../src/adapters/backup/backupArchive.ts";
import { MIGRATIONS, migrateToLatest } from "../src/adapters/db/database.ts";
import { insertCall } from "../src/adapters/db/repositories/calls.ts";
import { insertVisitor } from "../src/adapters/db/repositories/chat.ts";
import { buildApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { type AppDeps, closeDeps, createDeps } from "../src/deps.ts";
import { createAgent } from "../src/domain/agents.ts";
import { signedRecordingUrl } from "../src/domain/calls/recordingLinks.ts";
import { startSession } from "../src/domain/auth/sessions.ts";
import { storeRecording } from "../src/domain/calls/recordings.ts";
import { uploadAttachment } from "../src/domain/chat/attachments.ts";
import { sendVisitorMessage } from "../src/domain/chat/messages.ts";
import { fileLinks } from "../src/domain/chat/present.ts";
import { mediaSessionToken, signedLink } from "../src/domain/signedLinks.ts";
import { freshPostgresDatabase } from "./support/databases.ts";
import { type CliResult, killAllDestek, runCli, waitFor } from "./support/process.ts";

const PASSWORD = "correct horse battery";
const SECRET = "the-secret-key-of-the-backed-up-shop-0123456789";
const silent = () => pino({ level: "silent" });
const destek = (args: string[], env: Record<string, string>): Promise<CliResult> => runCli(args, { LOG_LEVEL: "silent", ...env }, "", 120_000);

/** An instance with an agent, a visitor's conversation with attachments, and a recorded call. */
async function seed(deps: AppDeps, workDir: string) {
  await migrateToLatest(deps.database);
  await createAgent(deps.domain, { type: "system" }, { username: "elif", name: "Elif Demir", password: PASSWORD, role: "admin" });
  const visitorId = randomUUID();
  await insertVisitor(deps.domain.db, {
    id: visitorId, token_hash: randomUUID(), name: "Zeynep Kaya", email: "zeynep@example.com", phone: null, language: "tr", user_agent: "Firefox",
    page_url: "https://shop.example/cart", page_title: null, first_seen_at: Date.now(), last_seen_at: Date.now(), metadata: null,
  });
  const visitor = (await deps.domain.db.selectFrom("visitors").selectAll().where("id", "=", visitorId).executeTakeFirst())!;
  const invoice = Buffer.from("Fatura no 2026-118, tutar 1.250 TL, adres: Kadıköy, İstanbul\n".repeat(5000));
  const attachment = await uploadAttachment(deps.domain, { uploader: `visitor:${visitorId}`, data: invoice, fileName: "fatura.txt", voice: false, truncated: false });
  await sendVisitorMessage(deps.domain, visitor, { clientId: randomUUID(), body: "Faturam yanlış geldi", attachmentIds: [attachment.id], origin: { address: "127.0.0.1" } });
  const call = {
    id: randomUUID(), visitor_id: visitorId, conversation_id: null, agent_id: null, status: "ended" as const, media: "audio" as const,
    recording_mode: "audio" as const, created_at: Date.now() - 60_000, answered_at: Date.now() - 55_000, ended_at: Date.now() - 5_000,
    duration_ms: 50_000, end_reason: "caller_hung_up", mix_status: null,
  };
  await insertCall(deps.domain.db, call);
  const audio = randomBytes(250_000);
  const audioFile = join(workDir, "side.webm");
  writeFileSync(audioFile, audio);
  const recording = await storeRecording(deps.domain, { callId: call.id, role: "caller", path: audioFile, mime: "audio/webm", size: audio.length, startedAt: call.answered_at, durationMs: 50_000 }, 0);
  return { visitor, invoice, attachmentId: attachment.id, audio, recordingId: recording.id };
}

/** Keeps the instance writing (a file and a message at a time) until stopped. */
function keepWriting(deps: AppDeps, visitor: Awaited<ReturnType<typeof seed>>["visitor"]) {
  let running = true;
  let written = 0;
  const done = (async () => {
    while (running) {
      const data = Buffer.from(`note ${written}: ${randomBytes(600).toString("hex")}\n`);
      const attachment = await uploadAttachment(deps.domain, { uploader: `visitor:${visitor.id}`, data, fileName: `note-${written}.txt`, voice: false, truncated: false });
      await sendVisitorMessage(deps.domain, visitor, { clientId: randomUUID(), body: `message ${written}`, attachmentIds: [attachment.id], origin: { address: "127.0.0.1" } });
      written++;
      await new Promise((r) => setTimeout(r, 40));
    }
  })();
  return {
    get written() {
      return written;
    },
    async stop() {
      running = false;
      await done;
      return written;
    },
  };
}

const variants = [
  { name: "plain files, the secret key carried in the archive", env: {} as Record<string, string>, backupArgs: ["--include-secret-key"], encrypted: false },
  { name: "files encrypted at rest, SECRET_KEY kept apart", env: { SECRET_KEY: SECRET, ENCRYPT_FILES: "true" }, backupArgs: [], encrypted: true },
];

// The operator's backup of a live instance, and the restore that proves it: every row and every
// file byte back in a fresh DATA_DIR, served by a freshly built app.
describe.each(variants)("destek backup and restore on SQLite: $name", (variant) => {
  const root = mkdtempSync(join(tmpdir(), "destek-backup-"));
  const source = join(root, "source");
  const target = join(root, "target");
  const archive = join(root, "destek-backup.zip");
  afterEach(async () => {
    await killAllDestek();
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it("backs up while the instance writes, and the backup restores into a working instance", async () => {
    const sourceDeps = createDeps(loadConfig({ DATA_DIR: source, ...variant.env }), { log: silent() });
    let seeded: Awaited<ReturnType<typeof seed>>;
    let writer: ReturnType<typeof keepWriting> | undefined;
    let writtenBefore: number;
    let writtenAfter: number;
    let backedUp: CliResult;
    try {
      seeded = await seed(sourceDeps, root);
      const running = keepWriting(sourceDeps, seeded.visitor);
      writer = running;
      await waitFor(() => (running.written >= 3 ? true : undefined), 30_000, () => "the writer to start");
      writtenBefore = running.written;
      backedUp = await destek(["backup", archive, ...variant.backupArgs], { DATA_DIR: source, ...variant.env });
      writtenAfter = await running.stop();
    } finally {
      await writer?.stop();
      await closeDeps(sourceDeps);
    }
    expect(backedUp.code, backedUp.stderr).toBe(0);
    expect(backedUp.stdout).toMatch(/Wrote .*destek-backup\.zip: the database, \d+ file\(s\)/);
    expect(writtenAfter).toBeGreaterThan(writtenBefore);
    if (!variant.encrypted) expect(backedUp.stdout).toContain("The archive holds the master secret");
    else expect(backedUp.stdout).toContain("The archive does not hold SECRET_KEY");

    const opened = await openBackupArchive(archive);
    const manifest = opened.manifest;
    opened.close();
    expect(manifest).toMatchObject({ format: "destek-backup", engine: "sqlite", destekVersion: expect.any(String), migration: Object.keys(MIGRATIONS).sort().at(-1) });
    expect(manifest.files.missing).toEqual([]);
    expect(manifest.files.encrypted).toBe(variant.encrypted ? manifest.files.count : 0);
    expect(manifest.secretKey === null).toBe(variant.encrypted);

    if (variant.encrypted) {
      // Under another key, encrypted files and secrets would not open: refused, nothing written.
      const wrongKey = await destek(["restore", archive], { DATA_DIR: target, SECRET_KEY: "some-other-secret-key-of-another-shop-000000", ENCRYPT_FILES: "true" });
      expect(wrongKey.code).toBe(1);
      expect(wrongKey.stderr).toContain("SECRET_KEY is not the secret this backup was made under");
      expect(wrongKey.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(join(target, "destek.sqlite"))).toBe(false);
    }
    const restored = await destek(["restore", archive], { DATA_DIR: target, ...variant.env });
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain(`Restored the database and ${manifest.files.count} file(s)`);
    if (!variant.encrypted) expect(readFileSync(join(target, "secret.key"), "utf8")).toBe(readFileSync(join(source, "secret.key"), "utf8"));

    // A second restore onto the now-used DATA_DIR is refused.
    const again = await destek(["restore", archive], { DATA_DIR: target, ...variant.env });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already exists: restore into an empty DATA_DIR, or pass --force");

    if (!variant.encrypted) {
      // --force replaces a database that was used since, write-ahead log and all: a change left in
      // the old log (a stopped server's) must not be replayed into the restored file.
      const used = new SQLite(join(target, "destek.sqlite"));
      used.pragma("journal_mode = WAL");
      used.pragma("wal_autocheckpoint = 0");
      used.prepare("update agents set name = 'Changed after the backup'").run();
      copyFileSync(join(target, "destek.sqlite-wal"), join(root, "stale-wal"));
      used.close();
      copyFileSync(join(root, "stale-wal"), join(target, "destek.sqlite-wal"));
      const forced = await destek(["restore", archive, "--force"], { DATA_DIR: target, ...variant.env });
      expect(forced.code, forced.stderr).toBe(0);
      expect(existsSync(join(target, "destek.sqlite-wal"))).toBe(false);
      const check = new SQLite(join(target, "destek.sqlite"), { readonly: true });
      expect(check.pragma("quick_check", { simple: true })).toBe("ok");
      expect(check.prepare("select name from agents").pluck().all()).toEqual(["Elif Demir"]);
      check.close();
    }

    // Every download below comes from one address: the per-address request limit is tested elsewhere.
    const targetDeps = createDeps(loadConfig({ DATA_DIR: target, RATE_LIMIT_PER_MINUTE: "1000000", ...variant.env }), { log: silent() });
    const app = await buildApp(targetDeps);
    try {
      await app.ready();
      const db = targetDeps.domain.db;
      // The snapshot is of one moment: the seeded data and a prefix of the writes made meanwhile.
      const messages = await db.selectFrom("messages").select(["body"]).where("author_type", "=", "visitor").execute();
      const bodies = new Set(messages.map((m) => m.body));
      expect(bodies.has("Faturam yanlış geldi")).toBe(true);
      const notes = messages.length - 1;
      expect(notes).toBeGreaterThanOrEqual(writtenBefore);
      expect(notes).toBeLessThanOrEqual(writtenAfter);
      for (let i = 0; i < notes; i++) expect(bodies.has(`message ${i}`), `message ${i}`).toBe(true);

      const login = (password: string) => app.inject({ method: "POST", url: "/api/auth/login", payload: { username: "elif", password }, remoteAddress: "10.9.0.1" });
      expect((await login(PASSWORD)).statusCode).toBe(200);
      expect((await login("not the password")).statusCode).toBe(401);

      // Every attachment the restored database names downloads, byte for byte.
      const invoice = await app.inject({ method: "GET", url: signedLink(targetDeps.domain.clock, fileLinks(targetDeps.domain), seeded!.attachmentId) });
      expect(invoice.statusCode).toBe(200);
      expect(invoice.rawPayload.equals(seeded!.invoice)).toBe(true);
      const attachments = await db.selectFrom("attachments").select(["id", "file_name", "storage_key", "conversation_id"]).execute();
      // An upload is committed before its message: the moment may fall between the two. Such an
      // upload belongs to no conversation yet, so no link opens it; its file is archived all the
      // same (files.missing is empty above).
      expect(attachments.length).toBeGreaterThanOrEqual(notes + 1);
      expect(attachments.length).toBeLessThanOrEqual(notes + 2);
      expect(attachments.filter((a) => a.conversation_id === null).length).toBeLessThanOrEqual(1);
      for (const attachment of attachments.filter((a) => a.file_name.startsWith("note-") && a.conversation_id !== null)) {
        const index = attachment.file_name.replace(/^note-(\d+)\.txt$/, "$1");
        const response = await app.inject({ method: "GET", url: signedLink(targetDeps.domain.clock, fileLinks(targetDeps.domain), attachment.id) });
        expect(response.statusCode, attachment.file_name).toBe(200);
        expect(response.body.startsWith(`note ${index}: `)).toBe(true);
        if (variant.encrypted) expect(readFileSync(join(target, "files", attachment.storage_key)).subarray(0, 8).toString()).toBe("DSTKENC1");
      }
      const recording = await playRecording(app, targetDeps, seeded!.recordingId);
      expect(recording.statusCode).toBe(200);
      expect(recording.rawPayload.equals(seeded!.audio)).toBe(true);
    } finally {
      await app.close();
      await closeDeps(targetDeps);
    }
  }, 600_000);
});

describe("destek backup and restore: errors an operator can make", () => {
  const root = mkdtempSync(join(tmpdir(), "destek-backup-errors-"));
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it("says clearly, without a stack trace, when there is nothing to back up, the file is no backup, or of a newer destek", async () => {
    const empty = await destek(["backup", join(root, "b.zip")], { DATA_DIR: join(root, "nothing"), SECRET_KEY: SECRET });
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain("there is no database at");
    const notZip = join(root, "notes.zip");
    writeFileSync(notZip, "hello");
    const bogus = await destek(["restore", notZip], { DATA_DIR: join(root, "target"), SECRET_KEY: SECRET });
    expect(bogus.code).toBe(1);
    expect(bogus.stderr).toContain("is not a destek backup");
    for (const output of [empty.stderr, bogus.stderr]) expect(output).not.toMatch(/\n\s+at /);
    // A backup of a later destek, whose schema this one does not know.
    const future = join(root, "future.zip");
    const zip = new ZipFile();
    const written = pipeline(zip.outputStream, createWriteStream(future));
    const manifest = {
      format: "destek-backup", formatVersion: 1, destekVersion: "9.0.0", createdAt: new Date().toISOString(), engine: "sqlite",
      migration: "9999_from_the_future", migrations: ["0001_initial", "9999_from_the_future"], database: { path: "database/destek.sqlite", bytes: 1, sha256: "0".repeat(64) },
      files: { count: 0, bytes: 0, encrypted: 0, missing: [], entries: [] }, keyCheck: "0123456789abcdef", secretKey: null,
    };
    zip.addBuffer(Buffer.from(JSON.stringify(manifest)), "manifest.json");
    zip.end();
    await written;
    const newer = await destek(["restore", future], { DATA_DIR: join(root, "target"), SECRET_KEY: SECRET });
    expect(newer.code).toBe(1);
    expect(newer.stderr).toContain("this backup is of a newer destek (schema 9999_from_the_future unknown");
    expect(existsSync(join(root, "target"))).toBe(false);
    const usage = await destek(["restore"], { DATA_DIR: join(root, "target") });
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain("restore needs one file name");
  }, 300_000);
});

// On PostgreSQL the database goes through pg_dump: the command archives the files with the
// manifest and prints the commands, which, run as printed, bring the whole instance back.
describe.runIf(process.env.TEST_DATABASE_URL)("destek backup and restore on PostgreSQL", () => {
  const root = mkdtempSync(join(tmpdir(), "destek-backup-pg-"));
  const databases: Array<{ dispose(): Promise<void> }> = [];
  afterAll(async () => {
    for (const database of databases) await database.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  it("archives the files and the manifest, and prints the pg_dump and pg_restore commands", async () => {
    const url = process.env.TEST_DATABASE_URL!;
    const sourceDb = await freshPostgresDatabase(url);
    databases.push(sourceDb);
    const env = { DATA_DIR: join(root, "source"), DATABASE_URL: sourceDb.url, SECRET_KEY: SECRET, ENCRYPT_FILES: "true" };
    const deps = createDeps(loadConfig(env), { log: silent() });
    let seeded: Awaited<ReturnType<typeof seed>>;
    try {
      seeded = await seed(deps, root);
    } finally {
      await closeDeps(deps);
    }
    const archive = join(root, "pg-backup.zip");
    const backedUp = await destek(["backup", archive], env);
    expect(backedUp.code, backedUp.stderr).toBe(0);
    expect(backedUp.stdout).toContain("Wrote");
    expect(backedUp.stdout).toContain("2 file(s)");
    expect(backedUp.stdout).toContain('pg_dump --format=custom --no-owner --file=pg-backup.dump "$DATABASE_URL"');
    expect(backedUp.stdout).toContain('pg_restore --no-owner --exit-on-error --dbname="$DATABASE_URL" pg-backup.dump');
    expect(backedUp.stdout).not.toContain(sourceDb.url);
    const opened = await openBackupArchive(archive);
    expect(opened.manifest).toMatchObject({ engine: "postgres", database: null, files: { count: 2, encrypted: 2, missing: [] } });
    opened.close();

    // The printed commands, run as printed, against a fresh empty database.
    const { execFileSync } = await import("node:child_process");
    const dump = join(root, "pg-backup.dump");
    execFileSync("pg_dump", ["--format=custom", "--no-owner", `--file=${dump}`, sourceDb.url]);
    const targetName = `test_${randomBytes(6).toString("hex")}`;
    const admin = new (await import("pg")).default.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create database ${targetName}`);
    databases.push({ dispose: async () => { await admin.query(`drop database if exists ${targetName} with (force)`); await admin.end(); } });
    const targetUrl = new URL(url);
    targetUrl.pathname = `/${targetName}`;
    execFileSync("pg_restore", ["--no-owner", "--exit-on-error", `--dbname=${targetUrl}`, dump]);

    const targetEnv = { ...env, DATA_DIR: join(root, "target"), DATABASE_URL: targetUrl.toString() };
    const restored = await destek(["restore", archive], targetEnv);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain("Restored 2 file(s)");
    expect(restored.stdout).toContain("pg_restore");

    const targetDeps = createDeps(loadConfig(targetEnv), { log: silent() });
    const app = await buildApp(targetDeps);
    try {
      await app.ready();
      const invoice = await app.inject({ method: "GET", url: signedLink(targetDeps.domain.clock, fileLinks(targetDeps.domain), seeded!.attachmentId) });
      expect(invoice.statusCode).toBe(200);
      expect(invoice.rawPayload.equals(seeded!.invoice)).toBe(true);
      const recording = await playRecording(app, targetDeps, seeded!.recordingId);
      expect(recording.rawPayload.equals(seeded!.audio)).toBe(true);
    } finally {
      await app.close();
      await closeDeps(targetDeps);
    }
  }, 600_000);
});

/** Plays a recording as a signed-in agent would: a link bound to a session, and that session's media cookie. */
async function playRecording(app: Awaited<ReturnType<typeof buildApp>>, deps: ReturnType<typeof createDeps>, recordingId: string) {
  const agent = await deps.domain.db.selectFrom("agents").selectAll().executeTakeFirstOrThrow();
  const { sessionId } = await startSession(deps.domain, agent, { ip: null, userAgent: null });
  return app.inject({
    method: "GET",
    url: signedRecordingUrl(deps.domain, recordingId, sessionId),
    headers: { cookie: `destek_media=${mediaSessionToken(deps.domain.keys.mediaSessions, sessionId)}` },
  });
}
