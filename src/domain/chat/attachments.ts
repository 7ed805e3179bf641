import { randomBytes, randomUUID } from "node:crypto";
import { fileTypeFromBuffer } from "file-type";
import sharp from "sharp";
import {
  type AttachmentRow,
  deleteUnboundAttachment,
  findAttachment,
  findConversation,
  insertAttachment,
} from "../../adapters/db/repositories/chat.ts";
import type { AttachmentView } from "../../protocol/chat.ts";
import { DomainError, invalid, notFound } from "../errors.ts";
import type { DomainDeps } from "../ports.ts";
import { linkIsValid } from "../signedLinks.ts";
import { audioDurationMs } from "./audioDuration.ts";
import { fileLinks, presentAttachment } from "./present.ts";
import { reserveStorage } from "./uploadHousekeeping.ts";

// The kinds we accept, by what the bytes are (magic numbers), never by name or declared type.
const IMAGES = new Set(["image/jpeg", "image/png", "image/webp", "image/gif"]);
const AUDIO = new Set(["audio/webm", "video/webm", "audio/ogg", "audio/opus", "audio/mpeg", "audio/mp4", "video/mp4", "audio/x-m4a", "audio/wav", "audio/x-wav"]);
const DOCUMENTS = new Set([
  "application/pdf",
  "application/zip",
  "application/x-7z-compressed",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  "application/vnd.oasis.opendocument.text",
  "application/vnd.oasis.opendocument.spreadsheet",
]);
const TEXT_EXTENSIONS = /\.(txt|csv|log|md)$/i;
// Markup a browser could run if it ever rendered the file: refused even as "text".
const ACTIVE_MARKUP = /<\s*(script|html|svg|iframe|object|embed|body|!doctype|\?xml)\b/i;

const tooLarge = (max: number) => new DomainError("file_too_large", "too_large", `Files can be at most ${Math.floor(max / 1024 / 1024)} MB.`);
const notAllowed = () =>
  new DomainError("file_type_not_allowed", "unsupported", "This kind of file is not allowed. Send images, voice notes, PDF, office documents, ZIP or plain text.");

/** A display name that cannot carry paths, control characters or markup tricks; storage never uses it. */
export function safeFileName(name: string | undefined, fallback: string): string {
  const base = (name ?? "").split(/[\\/]/).pop() ?? "";
  const cleaned = base
    .normalize("NFC")
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, "")
    .replace(/^[.\s]+/, "")
    .trim()
    .slice(0, 120);
  return cleaned || fallback;
}

interface Checked {
  kind: AttachmentRow["kind"];
  mime: string;
  data: Buffer;
  extension: string;
  width: number | null;
  height: number | null;
}

/** Decides what an upload really is, and re-encodes images so no metadata or hidden payload survives. */
async function inspect(data: Buffer, fileName: string, wantsVoice: boolean): Promise<Checked> {
  const detected = await fileTypeFromBuffer(data);
  if (detected && IMAGES.has(detected.mime)) {
    try {
      const image = sharp(data, { animated: detected.mime === "image/gif", limitInputPixels: 40_000_000 }).rotate();
      const { data: clean, info } = await (detected.mime === "image/png"
        ? image.png()
        : detected.mime === "image/gif"
          ? image.gif()
          : detected.mime === "image/webp"
            ? image.webp({ quality: 90 })
            : image.jpeg({ quality: 90, mozjpeg: true })
      ).toBuffer({ resolveWithObject: true });
      return { kind: "image", mime: detected.mime, data: clean, extension: detected.ext, width: info.width, height: info.pageHeight ?? info.height };
    } catch {
      throw invalid("invalid_file", "This image could not be read. It may be damaged.");
    }
  }
  if (detected && AUDIO.has(detected.mime)) {
    const mime = detected.mime.startsWith("video/") ? detected.mime.replace("video/", "audio/") : detected.mime;
    return { kind: wantsVoice || detected.ext === "webm" ? "voice" : "file", mime, data, extension: detected.ext, width: null, height: null };
  }
  if (detected && DOCUMENTS.has(detected.mime)) return { kind: "file", mime: detected.mime, data, extension: detected.ext, width: null, height: null };
  if (!detected && TEXT_EXTENSIONS.test(fileName)) {
    const text = data.toString("utf8");
    if (!text.includes("\u0000") && !text.includes("\ufffd") && !ACTIVE_MARKUP.test(text)) {
      return { kind: "file", mime: "text/plain; charset=utf-8", data, extension: "txt", width: null, height: null };
    }
  }
  throw notAllowed();
}

/** Stores an upload for its uploader; it becomes visible to others once attached to a message. */
export async function uploadAttachment(
  deps: DomainDeps,
  input: { uploader: `visitor:${string}` | `agent:${string}`; data: Buffer; fileName: string | undefined; voice: boolean; truncated: boolean },
): Promise<AttachmentView> {
  if (input.truncated || input.data.length > deps.chat.uploadMaxBytes) throw tooLarge(deps.chat.uploadMaxBytes);
  if (input.data.length === 0) throw invalid("invalid_file", "The file is empty.");
  const fallback = input.voice ? "voice-note" : "file";
  const checked = await inspect(input.data, safeFileName(input.fileName, fallback), input.voice);
  const name = safeFileName(input.fileName, `${fallback}.${checked.extension}`);
  const storage = await reserveStorage(deps, checked.data.length);
  const id = randomUUID();
  const key = `attachments/${randomBytes(24).toString("base64url")}.${checked.extension}`;
  await deps.storage.put(key, checked.data);
  const row: AttachmentRow = {
    id,
    conversation_id: null,
    message_id: null,
    kind: checked.kind,
    mime: checked.mime,
    size: checked.data.length,
    storage_key: key,
    file_name: name,
    width: checked.width,
    height: checked.height,
    // Browsers record WebM without a length; read it from the blocks once, so players show it at once.
    duration_ms: checked.kind === "voice" || checked.mime.startsWith("audio/") ? audioDurationMs(checked.data) : null,
    uploaded_by: input.uploader,
    created_at: deps.clock.now(),
    deleted_at: null,
  };
  await insertAttachment(deps.db, row);
  if (storage.crossed) deps.events.publish({ type: "storage.quota_reached", usedBytes: storage.usedBytes, quotaBytes: deps.chat.storageQuotaBytes ?? 0, crossed: true });
  return presentAttachment(deps, row);
}

/** Removes an upload that never became part of a message (its bytes first, then its row). */
export async function discardUpload(deps: DomainDeps, id: string): Promise<void> {
  const row = await findAttachment(deps.db, id);
  if (!row || row.message_id !== null) return;
  await deps.storage.delete(row.storage_key);
  await deleteUnboundAttachment(deps.db, id);
}

/** Checks a signed file link; the signature is what grants access, so it is compared in constant time. */
export async function attachmentForSignedUrl(deps: DomainDeps, id: string, expires: number, signature: string): Promise<AttachmentRow> {
  const gone = () => notFound("file_not_found", "This file link is invalid or has expired.");
  if (!linkIsValid(deps.clock, fileLinks(deps), id, expires, signature)) throw gone();
  const row = await findAttachment(deps.db, id);
  if (!row?.conversation_id || !(await findConversation(deps.db, row.conversation_id))) throw gone();
  if (row.deleted_at !== null) throw notFound("file_removed", "This file was removed after its retention period.");
  return row;
}
