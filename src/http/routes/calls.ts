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
import { sendBlob } from "../blobResponse.ts";
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
  }, async (request) => listCallHistory(domain, { ...request.query, visible: await visibleInboxes(domain, currentAgent(request).row) }));

  app.get("/:id", {
    schema: { params: z.object({ id: z.uuid() }), response: { 200: z.object({ call: callHistoryEntry }) } },
  }, async (request) => {
    await requireVisibleCall(domain, currentAgent(request).row, request.params.id);
    return { call: await callWithRecordings(domain, request.params.id) };
  });
};

/** Recording playback through expiring signed links, with byte ranges so the player can seek. */
export const recordingRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { domain }) => {
  app.get("/:id", {
    schema: { params: z.object({ id: z.uuid() }), querystring: signedLinkQuery },
  }, async (request, reply) => {
    const recording = await recordingForSignedUrl(domain, request.params.id, request.query.exp, request.query.sig);
    return sendBlob(request, reply, domain.storage, {
      key: recording.storage_key,
      mime: recording.mime,
      disposition: "inline",
      fileName: recordingFileName(recording),
      missing: () => notFound("recording_not_found", "This recording is no longer stored."),
    });
  });
};
