import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { callWithRecordings, listCallHistory } from "../../domain/calls/callHistory.ts";
import { recordingFileName, recordingForSignedUrl } from "../../domain/calls/recordingLinks.ts";
import { notFound } from "../../domain/errors.ts";
import type { AppDeps } from "../../deps.ts";
import { callHistoryStatus, recordingView } from "../../protocol/callHistory.ts";
import { callView } from "../../protocol/calls.ts";
import { currentAgent, requireAgent } from "../authenticate.ts";
import { requireVisibleCall, visibleInboxes } from "../../domain/inboxes/visibility.ts";
import { mediaHolder, logAccess } from "../../domain/privacy/accessLog.ts";
import { accessClient, sendBlob } from "../blobResponse.ts";
import { readMediaCookie } from "../cookies.ts";
import { signedLinkQuery, text } from "../schemas.ts";

const callHistoryEntry = callView.extend({ recordings: z.array(recordingView) });
const callHistoryPage = z.object({ calls: z.array(callHistoryEntry), nextCursor: z.string().nullable() });

/** Call history for the console: pages of calls with signed links to their recordings. */
export const callHistoryRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { domain }) => {
  app.addHook("preHandler", requireAgent(domain));

  app.get("/", {
    schema: {
      querystring: z.object({
        status: callHistoryStatus.optional(),
        agentId: z.uuid().optional(),
        before: text().min(1).max(200).optional(),
        limit: z.coerce.number().int().min(1).max(100).default(25),
      }),
      response: { 200: callHistoryPage },
    },
  }, async (request) => {
    const { actor, row } = currentAgent(request);
    return listCallHistory(domain, { ...request.query, sessionId: actor.sessionId, visible: await visibleInboxes(domain, row) });
  });

  app.get("/:id", {
    schema: { params: z.object({ id: z.uuid() }), response: { 200: z.object({ call: callHistoryEntry }) } },
  }, async (request) => {
    const { actor, row } = currentAgent(request);
    await requireVisibleCall(domain, row, request.params.id);
    return { call: await callWithRecordings(domain, request.params.id, actor.sessionId) };
  });
};

/**
 * Recording playback through expiring signed links bound to the agent's session (the media-session
 * cookie), with byte ranges so the player can seek. Each play and download goes to the access log.
 */
export const recordingRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { domain }) => {
  app.get("/:id", {
    schema: { params: z.object({ id: z.uuid() }), querystring: signedLinkQuery },
  }, async (request, reply) => {
    const { exp, sig, ses, download } = request.query;
    const presented = await mediaHolder(domain, readMediaCookie(request));
    const { row, holder } = await recordingForSignedUrl(domain, { id: request.params.id, expires: exp, signature: sig, tag: ses }, presented);
    const action = download === "1" ? "download" : "play";
    return sendBlob(request, reply, domain.storage, {
      key: row.storage_key,
      mime: row.mime,
      disposition: action === "download" ? "attachment" : "inline",
      fileName: recordingFileName(row),
      missing: () => notFound("recording_not_found", "This recording is no longer stored."),
      opened: () => logAccess(domain, holder, { kind: "recording", row }, action, accessClient(request)),
    });
  });
};
