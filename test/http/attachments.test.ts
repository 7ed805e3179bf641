import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import sharp from "sharp";
import type { Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { fileLinks } from "../../src/domain/chat/present.ts";
import { linkSignature } from "../../src/domain/signedLinks.ts";
import type { AttachmentView, MessageView } from "../../src/protocol/chat.ts";
import { newClientId, newVisitorToken, openSocket, request } from "../support/chatClients.ts";
import { openSqlite } from "../support/databases.ts";
import { startTestApp, type TestApp } from "../support/testApp.ts";

// Everything here holds with files encrypted at rest too (ENCRYPT_FILES), ranges included.
describe.each([{ encryptFiles: false }, { encryptFiles: true }])("attachments: checks on upload and signed downloads (encrypted at rest: $encryptFiles)", ({ encryptFiles }) => {
  let t: TestApp;
  let dispose: () => Promise<void>;
  let url: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    const db = await openSqlite();
    dispose = db.dispose;
    t = await startTestApp({ database: db, env: { UPLOAD_MAX_MB: "1", ENCRYPT_FILES: String(encryptFiles) } });
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });
  afterAll(async () => {
    await t.close();
    await dispose();
  });

  async function upload(token: string, data: Buffer, name: string, kind?: string) {
    const form = new FormData();
    if (kind) form.append("kind", kind);
    form.append("file", new Blob([data]), name);
    const res = await fetch(`${url}/api/widget/attachments`, { method: "POST", headers: { authorization: `Visitor ${token}` }, body: form });
    return { status: res.status, body: (await res.json()) as { attachment: AttachmentView; error: { id: string; message: string } } };
  }
  /** Uploads and sends, so the file becomes downloadable; returns the stored attachment. */
  async function send(data: Buffer, name: string) {
    const token = newVisitorToken();
    const socket = await openSocket(`${url}/visitor`, { visitorToken: token });
    sockets.push(socket);
    const uploaded = await upload(token, data, name);
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
    const { message } = await request<{ message: MessageView }>(socket, "message:send", { clientId: newClientId(), body: "", attachmentIds: [uploaded.body.attachment.id] });
    return message.attachments[0]!;
  }
  const download = (fileUrl: string, headers: Record<string, string> = {}) => t.app.inject({ method: "GET", url: fileUrl, headers });

  it("re-encodes images, dropping EXIF and location", async () => {
    const withGps = await sharp({ create: { width: 40, height: 30, channels: 3, background: "#0af" } })
      .jpeg()
      .withExif({ IFD0: { Make: "SpyCam", Copyright: "secret" }, IFD3: { GPSLatitudeRef: "N", GPSLatitude: "41/1 0/1 0/1" } })
      .toBuffer();
    expect((await sharp(withGps).metadata()).exif).toBeDefined();
    const attachment = await send(withGps, "holiday.jpg");
    expect(attachment).toMatchObject({ kind: "image", mime: "image/jpeg", width: 40, height: 30, fileName: "holiday.jpg" });
    const file = await download(attachment.url);
    expect(file.statusCode).toBe(200);
    const meta = await sharp(file.rawPayload).metadata();
    expect(meta.exif).toBeUndefined();
    expect(file.rawPayload.includes(Buffer.from("SpyCam"))).toBe(false);
  });

  it("neutralises an image with a script appended (a polyglot)", async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#000" } }).png().toBuffer();
    const polyglot = Buffer.concat([png, Buffer.from("<html><script>alert(document.cookie)</script></html>")]);
    const attachment = await send(polyglot, "cat.png");
    const file = await download(attachment.url);
    expect(file.rawPayload.includes(Buffer.from("<script>"))).toBe(false);
    expect(file.headers["x-content-type-options"]).toBe("nosniff");
  });

  it("refuses SVG, HTML and executables whatever their names say", async () => {
    const token = newVisitorToken();
    const cases: Array<[string, Buffer]> = [
      ["logo.png", Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>')],
      ["notes.txt", Buffer.from("<!doctype html><html><body><script>alert(1)</script></body></html>")],
      ["page.html", Buffer.from("<html><script>alert(1)</script></html>")],
      ["setup.pdf", Buffer.concat([Buffer.from("MZ"), Buffer.alloc(200, 1)])],
    ];
    for (const [name, data] of cases) {
      const res = await upload(token, data, name);
      expect(res.status, name).toBe(415);
      expect(res.body.error.id).toBe("file_type_not_allowed");
      expect(res.body.error.message).toMatch(/not allowed/);
    }
  });

  it("refuses files over the limit with a clear message", async () => {
    const big = Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(1024 * 1024 + 10, 0x20)]);
    const res = await upload(newVisitorToken(), big, "big.pdf");
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ id: "file_too_large", message: "Files can be at most 1 MB." });
  });

  it("keeps hostile file names harmless and serves non-images as downloads", async () => {
    const attachment = await send(Buffer.from("order 1234\nthanks\n"), "../../etc/\u202Egnp.txt");
    expect(attachment.fileName).toBe("gnp.txt");
    expect(attachment.url).toMatch(/^\/files\/[\w-]+\?exp=\d+&sig=[\w-]+$/);
    const file = await download(attachment.url);
    expect(file.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(file.headers["content-disposition"]).toMatch(/^attachment; filename="gnp.txt"/);
    expect(file.body).toBe("order 1234\nthanks\n");
  });

  it("stores a voice note's length at upload, though the recording's header has none", async () => {
    // Written to a pipe, like a browser's MediaRecorder: no Duration, segment and clusters of unknown size.
    const webm = execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "sine=duration=3.4", "-c:a", "libopus", "-live", "1", "-f", "webm", "pipe:1"]);
    const token = newVisitorToken();
    const uploaded = await upload(token, webm, "voice-note.webm", "voice");
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
    expect(uploaded.body.attachment.kind).toBe("voice");
    expect(uploaded.body.attachment.durationMs).toBeGreaterThanOrEqual(3300);
    expect(uploaded.body.attachment.durationMs).toBeLessThanOrEqual(3420);
    // And the message carries it to both sides.
    const sent = await send(webm, "voice-note.webm");
    expect(sent.durationMs).toBe(uploaded.body.attachment.durationMs);
  });

  it("serves byte ranges, so audio can seek", async () => {
    const attachment = await send(Buffer.from("0123456789abcdef\n"), "range.txt");
    const part = await download(attachment.url, { range: "bytes=2-5" });
    expect(part.statusCode).toBe(206);
    expect(part.body).toBe("2345");
    expect(part.headers["content-range"]).toBe("bytes 2-5/17");
    expect((await download(attachment.url, { range: "bytes=100-" })).statusCode).toBe(416);
  });

  it("stores the bytes encrypted exactly when ENCRYPT_FILES is on, and serves them plain", async () => {
    const text = "Sipariş 98765 için adresim: Bağdat Caddesi\n";
    const attachment = await send(Buffer.from(text), "address.txt");
    const row = await t.deps.domain.db.selectFrom("attachments").select("storage_key").where("id", "=", attachment.id).executeTakeFirstOrThrow();
    const onDisk = await readFile(join(t.deps.config.dataDir, "files", row.storage_key));
    expect(onDisk.includes(Buffer.from("98765"))).toBe(!encryptFiles);
    expect((await download(attachment.url)).body).toBe(text);
    const tail = await download(attachment.url, { range: "bytes=-8" });
    expect(tail.statusCode).toBe(206);
    expect(tail.body).toBe(text.slice(-8));
  });

  it("refuses tampered, expired and unsent file links", async () => {
    const attachment = await send(Buffer.from("secret\n"), "secret.txt");
    const tampered = attachment.url.replace(/sig=([\w-])/, (_m, c: string) => `sig=${c === "A" ? "B" : "A"}`);
    expect((await download(tampered)).statusCode).toBe(404);
    const token = newVisitorToken();
    const unsent = await upload(token, Buffer.from("draft\n"), "draft.txt");
    expect((await download(unsent.body.attachment.url)).statusCode).toBe(404);
    t.clock.advance(2 * 60 * 60 * 1000);
    const expired = await download(attachment.url);
    expect(expired.statusCode).toBe(404);
    expect(expired.json().error.id).toBe("file_not_found");
    t.clock.advance(-2 * 60 * 60 * 1000);
  });

  it("signs file links with a key of their own, not the generic token key or the recording key", async () => {
    const attachment = await send(Buffer.from("own key\n"), "own.txt");
    const exp = Math.floor(t.clock.now() / 1000) + 600;
    const { keys } = t.deps.domain;
    // Same purpose string, other keys: a key shared with token hashing or recordings must not open files.
    for (const key of [keys.tokenHash, keys.recordingLinks]) {
      const forged = `/files/${attachment.id}?exp=${exp}&sig=${linkSignature({ purpose: "file", key }, attachment.id, exp)}`;
      const res = await download(forged);
      expect(res.statusCode).toBe(404);
      expect(res.json().error.id).toBe("file_not_found");
    }
    const genuine = `/files/${attachment.id}?exp=${exp}&sig=${linkSignature(fileLinks(t.deps.domain), attachment.id, exp)}`;
    expect((await download(genuine)).statusCode).toBe(200);
  });

  it("will not let one visitor send another visitor's upload", async () => {
    const owner = newVisitorToken();
    const uploaded = await upload(owner, Buffer.from("mine\n"), "mine.txt");
    const thief = await openSocket(`${url}/visitor`, { visitorToken: newVisitorToken() });
    sockets.push(thief);
    await expect(request(thief, "message:send", { clientId: newClientId(), body: "", attachmentIds: [uploaded.body.attachment.id] })).rejects.toMatchObject({ id: "attachment_invalid" });
  });

  it("needs a visitor token to upload", async () => {
    const form = new FormData();
    form.append("file", new Blob([Buffer.from("x\n")]), "x.txt");
    const res = await fetch(`${url}/api/widget/attachments`, { method: "POST", body: form });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { id: string } }).error.id).toBe("visitor_token_invalid");
  });
});
