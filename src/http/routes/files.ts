import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { attachmentForSignedUrl } from "../../domain/chat/attachments.ts";
import { notFound } from "../../domain/errors.ts";
import { logAccess, mediaHolder } from "../../domain/privacy/accessLog.ts";
import type { AppDeps } from "../../deps.ts";
import { accessClient, sendBlob } from "../blobResponse.ts";
import { readMediaCookie } from "../cookies.ts";
import { signedLinkQuery } from "../schemas.ts";

/**
 * Attachments through expiring signed links, with byte ranges so audio and video can seek. The
 * visitor and the console share a message's links, so the link alone grants access; a request that
 * carries a live agent's media-session cookie is that agent opening the file, and is logged.
 */
export const fileRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { domain }) => {
  app.get("/:id", {
    schema: { params: z.object({ id: z.uuid() }), querystring: signedLinkQuery },
  }, async (request, reply) => {
    const file = await attachmentForSignedUrl(domain, request.params.id, request.query.exp, request.query.sig);
    const holder = await mediaHolder(domain, readMediaCookie(request));
    // Only images and audio display inline; everything else downloads. Nothing may run.
    const inline = (file.kind === "image" || file.kind === "voice") && request.query.download !== "1";
    return sendBlob(request, reply, domain.storage, {
      key: file.storage_key,
      mime: file.mime,
      disposition: inline ? "inline" : "attachment",
      fileName: file.file_name,
      missing: () => notFound("file_not_found", "This file link is invalid or has expired."),
      ...(holder?.live
        ? { opened: () => logAccess(domain, holder, { kind: "attachment", row: file }, inline ? "play" : "download", accessClient(request)) }
        : {}),
    });
  });
};
