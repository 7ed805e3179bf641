import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { attachmentForSignedUrl } from "../../domain/chat/attachments.ts";
import type { AppDeps } from "../../deps.ts";
import { sendError } from "../errors.ts";

/** RFC 6266 Content-Disposition with an ASCII fallback and the UTF-8 name. */
export function contentDisposition(type: "inline" | "attachment", fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** Attachments through expiring signed links, with byte ranges so audio and video can seek. */
export const fileRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { domain }) => {
  app.get("/:id", {
    schema: {
      params: z.object({ id: z.uuid() }),
      querystring: z.object({ exp: z.coerce.number().int().positive(), sig: z.string().min(20).max(100) }),
    },
  }, async (request, reply) => {
    const file = await attachmentForSignedUrl(domain, request.params.id, request.query.exp, request.query.sig);
    const size = await domain.storage.size(file.storage_key);
    // Only images and audio display inline; everything else downloads. Nothing may run.
    const inline = file.kind === "image" || file.kind === "voice";
    reply
      .header("content-type", file.mime)
      .header("x-content-type-options", "nosniff")
      .header("content-security-policy", "default-src 'none'; media-src 'self'; img-src 'self'; sandbox")
      .header("content-disposition", contentDisposition(inline ? "inline" : "attachment", file.file_name))
      .header("cache-control", "private, max-age=3600")
      .header("accept-ranges", "bytes")
      .header("cross-origin-resource-policy", "same-site");
    const range = request.headers.range?.match(/^bytes=(\d*)-(\d*)$/);
    if (range && (range[1] || range[2])) {
      const start = range[1] ? Number(range[1]) : Math.max(0, size - Number(range[2]));
      const end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
      if (start > end || start >= size) {
        reply.header("content-range", `bytes */${size}`);
        return sendError(reply, 416, "range_not_satisfiable", "The requested byte range is outside the file.");
      }
      reply.code(206).header("content-range", `bytes ${start}-${end}/${size}`).header("content-length", end - start + 1);
      return reply.send(await domain.storage.read(file.storage_key, { start, end }));
    }
    reply.header("content-length", size);
    return reply.send(await domain.storage.read(file.storage_key));
  });
};
