import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { attachmentForSignedUrl } from "../../domain/chat/attachments.ts";
import { notFound } from "../../domain/errors.ts";
import type { AppDeps } from "../../deps.ts";
import { sendBlob } from "../blobResponse.ts";
import { signedLinkQuery } from "../schemas.ts";

/** Attachments through expiring signed links, with byte ranges so audio and video can seek. */
export const fileRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { domain }) => {
  app.get("/:id", {
    schema: { params: z.object({ id: z.uuid() }), querystring: signedLinkQuery },
  }, async (request, reply) => {
    const file = await attachmentForSignedUrl(domain, request.params.id, request.query.exp, request.query.sig);
    // Only images and audio display inline; everything else downloads. Nothing may run.
    const inline = file.kind === "image" || file.kind === "voice";
    return sendBlob(request, reply, domain.storage, {
      key: file.storage_key,
      mime: file.mime,
      disposition: inline ? "inline" : "attachment",
      fileName: file.file_name,
      missing: () => notFound("file_not_found", "This file link is invalid or has expired."),
    });
  });
};
