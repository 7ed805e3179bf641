import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Readable, Writable } from "node:stream";
import { randomBytes, randomUUID } from "node:crypto";
import pino from "pino";
import type { Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import yauzl from "yauzl";
import { findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { insertCall } from "../../src/adapters/db/repositories/calls.ts";
import { insertVisitor } from "../../src/adapters/db/repositories/chat.ts";
import { writeExportZip } from "../../src/adapters/export/zipExport.ts";
import { OutageLog } from "../../src/adapters/outages.ts";
import { sweepOrphanUploads } from "../../src/adapters/storage/uploadJobs.ts";
import { createS3Storage, type S3Storage } from "../../src/adapters/storage/s3Storage.ts";
import { startSession } from "../../src/domain/auth/sessions.ts";
import { storeRecording } from "../../src/domain/calls/recordings.ts";
import { mediaSessionToken } from "../../src/domain/signedLinks.ts";
import type { BlobStorage } from "../../src/domain/chat/storage.ts";
import type { CallHistoryEntry } from "../../src/protocol/callHistory.ts";
import type { AttachmentView, MessageView } from "../../src/protocol/chat.ts";
import { newClientId, newVisitorToken, openSocket, request } from "../support/chatClients.ts";
import { openSqlite } from "../support/databases.ts";
import { startS3Server, type TestS3Server } from "../support/s3Server.ts";
import { addAgent, startTestApp, type TestApp } from "../support/testApp.ts";

/** The entries of a zip file, names to contents. */
function unzip(zipped: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    const entries = new Map<string, Buffer>();
    yauzl.fromBuffer(zipped, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      zip.on("entry", (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError);
          bytesOf(stream).then((data) => {
            entries.set(entry.fileName, data);
            zip.readEntry();
          }, reject);
        });
      });
      zip.on("end", () => resolve(entries));
      zip.on("error", reject);
      zip.readEntry();
    });
  });
}

async function bytesOf(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

// STORAGE=s3 end to end through the HTTP API, against a real S3-protocol server: what the storage
// contract proves for the adapter, here for uploads, signed downloads with ranges, and recordings.
describe.each([{ encryptFiles: false }, { encryptFiles: true }])("STORAGE=s3: attachments and recordings in a bucket (encrypted at rest: $encryptFiles)", ({ encryptFiles }) => {
  let s3: TestS3Server;
  let t: TestApp;
  let dispose: () => Promise<void>;
  let url: string;
  /** The bucket as stored, bytes untouched: what someone with the bucket but not the key would see. */
  let raw: S3Storage;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    s3 = await startS3Server();
    raw = createS3Storage(s3.config, new OutageLog(pino({ level: "silent" })));
    const db = await openSqlite();
    dispose = db.dispose;
    t = await startTestApp({ database: db, env: { ...s3.env, ENCRYPT_FILES: String(encryptFiles) } });
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });
  afterAll(async () => {
    await t.close();
    await dispose();
    raw.close();
    await s3.stop();
  });

  /** Uploads through the widget and sends it in a message, so its signed link opens. */
  async function send(data: Buffer, name: string): Promise<AttachmentView> {
    const token = newVisitorToken();
    const socket = await openSocket(`${url}/visitor`, { visitorToken: token });
    sockets.push(socket);
    const form = new FormData();
    form.append("file", new Blob([data]), name);
    const res = await fetch(`${url}/api/widget/attachments`, { method: "POST", headers: { authorization: `Visitor ${token}` }, body: form });
    const body = (await res.json()) as { attachment: AttachmentView };
    expect(res.status, JSON.stringify(body)).toBe(201);
    const { message } = await request<{ message: MessageView }>(socket, "message:send", { clientId: newClientId(), body: "", attachmentIds: [body.attachment.id] });
    return message.attachments[0]!;
  }
  const storageKeyOf = async (attachmentId: string) =>
    (await t.deps.domain.db.selectFrom("attachments").select("storage_key").where("id", "=", attachmentId).executeTakeFirstOrThrow()).storage_key;

  it("stores an upload in the bucket, not on the node's disk, and serves byte ranges through its signed link", async () => {
    // Several 64 KiB chunks of the encrypted layout, so the range crosses chunk boundaries.
    const text = Array.from({ length: 4000 }, (_, i) => `line ${i}: kart 4111 1111 1111 ${String(i).padStart(4, "0")}\n`).join("");
    const attachment = await send(Buffer.from(text), "notes.txt");
    const key = await storageKeyOf(attachment.id);
    expect(existsSync(join(t.deps.config.dataDir, "files"))).toBe(false);
    const stored = await bytesOf(await raw.read(key));
    expect(stored.includes(Buffer.from("4111 1111"))).toBe(!encryptFiles);

    const whole = await fetch(`${url}${attachment.url}`);
    expect(whole.status).toBe(200);
    expect(whole.headers.get("content-length")).toBe(String(text.length));
    expect(whole.headers.get("accept-ranges")).toBe("bytes");
    expect(await whole.text()).toBe(text);

    const [start, end] = [70_000, 140_000];
    const part = await fetch(`${url}${attachment.url}`, { headers: { range: `bytes=${start}-${end}` } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes ${start}-${end}/${text.length}`);
    expect(part.headers.get("content-length")).toBe(String(end - start + 1));
    expect(await part.text()).toBe(text.slice(start, end + 1));

    const first = await fetch(`${url}${attachment.url}`, { headers: { range: "bytes=0-0" } });
    expect(first.status).toBe(206);
    expect(await first.text()).toBe("l");
    const outside = await fetch(`${url}${attachment.url}`, { headers: { range: `bytes=${text.length}-` } });
    expect(outside.status).toBe(416);
    expect(outside.headers.get("content-range")).toBe(`bytes */${text.length}`);
  });

  it("keeps the signed-link rules: a tampered or expired link opens nothing, and a file gone from the bucket is a 404", async () => {
    const attachment = await send(Buffer.from("secret\n"), "secret.txt");
    const tampered = attachment.url.replace(/sig=([\w-])/, (_m, c: string) => `sig=${c === "A" ? "B" : "A"}`);
    expect((await t.app.inject({ method: "GET", url: tampered })).statusCode).toBe(404);
    t.clock.advance(2 * 60 * 60 * 1000);
    try {
      expect((await t.app.inject({ method: "GET", url: attachment.url })).json().error.id).toBe("file_not_found");
    } finally {
      t.clock.advance(-2 * 60 * 60 * 1000);
    }
    expect((await t.app.inject({ method: "GET", url: attachment.url })).statusCode).toBe(200);
    await raw.delete(await storageKeyOf(attachment.id));
    const gone = await t.app.inject({ method: "GET", url: attachment.url });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.id).toBe("file_not_found");
  });

  it("uploads a finished recording from its file and plays it through its signed link, with ranges", async () => {
    const { domain } = t.deps;
    await addAgent(t.deps, `ayse${encryptFiles ? 1 : 0}`);
    const ayse = (await findAgentByUsername(domain.db, `ayse${encryptFiles ? 1 : 0}`))!;
    const session = await startSession(domain, ayse, { ip: null, userAgent: null });
    const now = Date.now() - 60_000;
    const visitorId = randomUUID();
    await insertVisitor(domain.db, {
      id: visitorId, token_hash: randomUUID(), name: "Zeynep", email: null, phone: null, language: null, user_agent: null,
      page_url: null, page_title: null, first_seen_at: now, last_seen_at: now, metadata: null, external_id: null,
      company: null, notes: null, merged_into: null, merged_at: null,
    });
    const callId = randomUUID();
    await insertCall(domain.db, {
      id: callId, visitor_id: visitorId, conversation_id: null, agent_id: ayse.id, status: "ended", media: "audio",
      recording_mode: "audio", created_at: now, answered_at: now + 1_000, ended_at: now + 31_000, duration_ms: 30_000,
      end_reason: "caller_hung_up", mix_status: null, consent_mode: "audio", consent_at: now - 1_000, consent_version: "2026-12-02", inbox_id: "default",
    });
    // What the recorder leaves when a leg ends: a finished file in the node's work directory.
    const work = await mkdtemp(join(tmpdir(), "destek-s3-recording-"));
    try {
      const media = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7) % 256));
      const path = join(work, "caller.webm");
      await writeFile(path, media);
      const row = await storeRecording(domain, { callId, role: "caller", path, mime: "audio/webm", size: media.length, startedAt: now + 1_000, durationMs: 30_000 });
      expect(existsSync(path)).toBe(false);
      expect((await bytesOf(await raw.read(row.storage_key))).equals(media)).toBe(!encryptFiles);

      const res = await t.app.inject({ method: "GET", url: `/api/calls/${callId}`, headers: { authorization: `Bearer ${session.accessToken}` } });
      expect(res.statusCode, res.body).toBe(200);
      const recording = (res.json() as { call: CallHistoryEntry }).call.recordings.find((r) => r.role === "caller")!;
      // A recording link plays only for the session it was handed to, shown by the media cookie.
      const cookie = `destek_media=${mediaSessionToken(domain.keys.mediaSessions, session.sessionId)}`;
      const whole = await t.app.inject({ method: "GET", url: recording.url, headers: { cookie } });
      expect(whole.statusCode).toBe(200);
      expect(whole.headers["content-type"]).toBe("audio/webm");
      expect(whole.rawPayload.equals(media)).toBe(true);
      const seek = await t.app.inject({ method: "GET", url: recording.url, headers: { cookie, range: "bytes=200000-" } });
      expect(seek.statusCode).toBe(206);
      expect(seek.headers["content-range"]).toBe(`bytes 200000-${media.length - 1}/${media.length}`);
      expect(seek.rawPayload.equals(media.subarray(200_000))).toBe(true);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  it("sweeps unsent uploads out of the bucket, and exports many files from it into one zip", async () => {
    const token = newVisitorToken();
    const form = new FormData();
    form.append("file", new Blob([Buffer.from("never sent\n")]), "draft.txt");
    const res = await fetch(`${url}/api/widget/attachments`, { method: "POST", headers: { authorization: `Visitor ${token}` }, body: form });
    expect(res.status).toBe(201);
    const draftKey = await storageKeyOf(((await res.json()) as { attachment: AttachmentView }).attachment.id);
    expect(await raw.size(draftKey)).toBeGreaterThan(0);
    t.clock.advance(25 * 60 * 60 * 1000);
    try {
      expect(await sweepOrphanUploads(t.deps)).toBeGreaterThanOrEqual(1);
    } finally {
      t.clock.advance(-25 * 60 * 60 * 1000);
    }
    await expect(raw.size(draftKey)).rejects.toMatchObject({ code: "ENOENT" });

    // Each file is opened only when the zip reaches it, not all at once up front.
    const files = Array.from({ length: 12 }, (_, i) => ({ path: `files/${i}.bin`, storageKey: `attachments/${randomUUID()}.bin`, data: randomBytes(400_000 + i) }));
    for (const file of files) await t.deps.domain.storage.put(file.storageKey, file.data);
    const lost = { path: "files/lost.bin", storageKey: `attachments/${randomUUID()}.bin` };
    // Counts the reads opened and not yet finished: an S3 read is a response held open until consumed.
    let open = 0;
    let mostOpen = 0;
    const storage = t.deps.domain.storage;
    const counted: BlobStorage = {
      ...storage,
      async read(key, range) {
        const stream = await storage.read(key, range);
        mostOpen = Math.max(mostOpen, ++open);
        stream.once("close", () => open--);
        return stream;
      },
    };
    // A slow reader of the zip (a download over a slow link), so files wait their turn.
    const parts: Buffer[] = [];
    const slowReader = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _encoding, done) {
        parts.push(chunk);
        setTimeout(done, 2);
      },
    });
    const result = await writeExportZip({ document: { person: "Zeynep" }, files: [...files, lost] }, counted, slowReader);
    expect(result).toEqual({ files: 12, missing: ["files/lost.bin"] });
    expect(mostOpen).toBe(1);
    const entries = await unzip(Buffer.concat(parts));
    expect(entries.size).toBe(14);
    for (const file of files) expect(entries.get(file.path)?.equals(file.data), file.path).toBe(true);
    expect(entries.get("missing-files.txt")?.toString()).toBe("files/lost.bin\n");
  });

  it("reports the bucket on /ready", async () => {
    const ready = await t.app.inject({ method: "GET", url: "/ready" });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks).toMatchObject({ database: "ok", storage: "ok" });
  });
});

describe("STORAGE=s3 with the bucket out of reach", () => {
  let t: TestApp;
  let dispose: () => Promise<void>;
  let url: string;

  beforeAll(async () => {
    // A port nothing listens on: the S3 service is down (or the network to it is).
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const db = await openSqlite();
    dispose = db.dispose;
    t = await startTestApp({
      database: db,
      env: { STORAGE: "s3", S3_BUCKET: "destek-test", S3_ENDPOINT: `http://127.0.0.1:${port}`, S3_FORCE_PATH_STYLE: "true", S3_ACCESS_KEY_ID: "S3RVER", S3_SECRET_ACCESS_KEY: "S3RVER" },
    });
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await t.close();
    await dispose();
  });

  it("answers an upload 503 unavailable, not 500, and /ready names the bucket without draining the node", async () => {
    const token = newVisitorToken();
    const socket = await openSocket(`${url}/visitor`, { visitorToken: token });
    try {
      const form = new FormData();
      form.append("file", new Blob([Buffer.from("hello\n")]), "hello.txt");
      const res = await fetch(`${url}/api/widget/attachments`, { method: "POST", headers: { authorization: `Visitor ${token}` }, body: form });
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: { id: string } }).error.id).toBe("unavailable");
    } finally {
      socket.close();
    }
    const ready = await t.app.inject({ method: "GET", url: "/ready" });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: "ready", checks: { database: "ok", storage: expect.stringMatching(/^bucket "destek-test" at http:\/\/127\.0\.0\.1:\d+ cannot be reached/) } });
  });
});
