import type { FastifyReply, FastifyRequest } from "fastify";
import type { BlobStorage } from "../domain/chat/storage.ts";
import type { DomainError } from "../domain/errors.ts";
import { sendError } from "./errors.ts";

/** Who asked for the bytes, for the access log: the client address (TRUST_PROXY applied) and user agent. */
export const accessClient = (request: FastifyRequest) => ({ ip: request.ip, userAgent: request.headers["user-agent"] ?? null });

/** RFC 6266 Content-Disposition with an ASCII fallback and the UTF-8 name. */
export function contentDisposition(type: "inline" | "attachment", fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

export interface StoredBlob {
  key: string;
  mime: string;
  disposition: "inline" | "attachment";
  fileName: string;
  /** Thrown when the bytes are gone from storage (removed after the row was read). */
  missing: () => DomainError;
  /**
   * Called before bytes go out for a GET that starts at the first byte (no Range, or a Range from
   * byte 0): one per play, as a player's later range requests only seek or buffer. A HEAD (the
   * console checks a link before a download) sends no bytes, so it is no play.
   */
  opened?: () => Promise<void>;
}

async function sizeOf(storage: BlobStorage, blob: StoredBlob): Promise<number> {
  try {
    return await storage.size(blob.key);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw blob.missing();
    throw error;
  }
}

/**
 * Sends stored bytes that a visitor or agent uploaded or a call produced: never sniffed, never run
 * (a sandboxing CSP), and with byte ranges so audio and video can seek.
 */
export async function sendBlob(request: FastifyRequest, reply: FastifyReply, storage: BlobStorage, blob: StoredBlob) {
  const size = await sizeOf(storage, blob);
  const range = request.headers.range?.match(/^bytes=(\d*)-(\d*)$/);
  const part =
    range && (range[1] || range[2])
      ? { start: range[1] ? Number(range[1]) : Math.max(0, size - Number(range[2])), end: range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1 }
      : null;
  const satisfiable = !part || (part.start <= part.end && part.start < size);
  // Before any header is set: should it fail (the access log cannot be written), the error goes out
  // as a plain error, and nothing is served unlogged.
  if (request.method === "GET" && satisfiable && (!part || part.start === 0)) await blob.opened?.();
  reply
    .header("content-type", blob.mime)
    .header("x-content-type-options", "nosniff")
    .header("content-security-policy", "default-src 'none'; media-src 'self'; img-src 'self'; sandbox")
    .header("content-disposition", contentDisposition(blob.disposition, blob.fileName))
    .header("cache-control", "private, max-age=3600")
    .header("accept-ranges", "bytes")
    .header("cross-origin-resource-policy", "same-site");
  if (!part) {
    reply.header("content-length", size);
    return reply.send(await storage.read(blob.key));
  }
  if (!satisfiable) {
    reply.header("content-range", `bytes */${size}`);
    return sendError(reply, 416, "range_not_satisfiable", "The requested byte range is outside the file.");
  }
  reply.code(206).header("content-range", `bytes ${part.start}-${part.end}/${size}`).header("content-length", part.end - part.start + 1);
  return reply.send(await storage.read(blob.key, { start: part.start, end: part.end }));
}
