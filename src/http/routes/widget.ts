import { createReadStream, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { consumeAddressLimit } from "../../domain/chat/addressLimits.ts";
import { uploadAttachment } from "../../domain/chat/attachments.ts";
import { identifyVisitor } from "../../domain/chat/visitors.ts";
import { resolveVisitorIdentity } from "../../domain/chat/identity.ts";
import { IDENTITY_HEADERS } from "../../protocol/identity.ts";
import { unauthorized } from "../../domain/errors.ts";
import type { AppDeps } from "../../deps.ts";
import { attachmentView, MAX_MESSAGE_LENGTH } from "../../protocol/chat.ts";
import { agentNamespaceOf } from "../../realtime/agentNamespace.ts";
import { anyAgentAvailable } from "../../realtime/presence.ts";
import { widgetLook } from "../../protocol/settings.ts";
import { widgetLookFor } from "../../domain/settings/widgetLook.ts";
import { sendError } from "../errors.ts";
import { canRingAway } from "../../domain/calls/callService.ts";
import { widgetAvailability as widgetAvailability$ } from "../../domain/inboxes/availability.ts";
import { widgetAvailability } from "../../protocol/callbacks.ts";
import { readUpload } from "../upload.ts";
import { widgetPrivacyNotice } from "../../protocol/privacy.ts";

/** An inbox id as the loader passes it; anything else is the default inbox. */
const INBOX_ID = /^[A-Za-z0-9_-]{1,64}$/;

const WEB = resolve(import.meta.dirname, "../../../web");
const DIST = resolve(import.meta.dirname, "../../../dist/web");

// The frame is embedded by any site that adds the script, so only its framing rule is relaxed.
const FRAME_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors *";

function embeddable(reply: FastifyReply) {
  reply.header("content-security-policy", FRAME_CSP).header("cross-origin-resource-policy", "cross-origin");
  reply.removeHeader("x-frame-options");
}

/** The signed-in user's claim an upload carries (the id URI-encoded, as headers are ASCII); undefined without one. */
export function identityFromHeaders(request: FastifyRequest): unknown {
  const userId = request.headers[IDENTITY_HEADERS.userId];
  const userHash = request.headers[IDENTITY_HEADERS.userHash];
  if (userId === undefined && userHash === undefined) return undefined;
  try {
    return { userId: typeof userId === "string" ? decodeURIComponent(userId) : userId, userHash };
  } catch {
    return { userId: null, userHash };
  }
}


/** The visitor-facing edge: the loader script, the widget frame, its config and uploads, and the demo page. */
export const widgetRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { domain }) => {
  // Asks every node; one that does not answer (it died) must not fail the widget: it shows "away".
  const agentsOnline = async (request: FastifyRequest) => {
    try {
      return await anyAgentAvailable(domain, agentNamespaceOf(app.io));
    } catch (err) {
      request.log.warn({ err }, "could not ask every node whether agents are online; showing the team as away");
      return false;
    }
  };

  // Read live on every request: a save in the console shows in the next widget that opens, on every node.
  app.get("/api/widget/config", {
    schema: {
      // Anything unexpected is the default inbox and the default language: an old snippet keeps working.
      querystring: z.object({ inbox: z.string().optional(), lang: z.string().optional() }),
      response: {
        200: widgetLook.extend({
          preChat: z.object({ name: z.string(), email: z.string(), phone: z.string() }),
          // The pre-chat privacy notice; null: none (the widget loads nothing for it).
          privacy: widgetPrivacyNotice.nullable(),
          agentsOnline: z.boolean(),
          limits: z.object({ messageLength: z.number(), uploadBytes: z.number(), kinds: z.array(z.string()) }),
          // Told to the caller before they press Call (consent notice).
          recording: z.enum(["off", "audio", "audio+video"]),
          availability: widgetAvailability,
        }),
      },
    },
  }, async (request) => {
    const inbox = request.query.inbox && INBOX_ID.test(request.query.inbox) ? request.query.inbox : undefined;
    const language = request.query.lang === "en" || request.query.lang === "tr" ? request.query.lang : domain.defaultLanguage;
    const [look, settings, online] = await Promise.all([widgetLookFor(domain, inbox, language), domain.settings.current(), agentsOnline(request)]);
    const availability = await widgetAvailability$(domain, look.inboxId, { agentsOnline: online, canRingAway: () => canRingAway(domain) });
    return {
      ...look,
      // Someone who answers now: within business hours and online.
      agentsOnline: online && availability.open,
      limits: { messageLength: MAX_MESSAGE_LENGTH, uploadBytes: domain.chat.uploadMaxBytes, kinds: ["image", "voice", "file"] },
      recording: settings.recording,
      availability,
    };
  });

  app.post("/api/widget/attachments", {
    config: { multipart: true, rateLimit: { max: 30, timeWindow: "1 minute" } },
    schema: { response: { 201: z.object({ attachment: attachmentView }) } },
  }, async (request: FastifyRequest, reply) => {
    const token = request.headers.authorization?.match(/^Visitor\s+(\S+)$/)?.[1];
    if (!token) throw unauthorized("visitor_token_invalid", "The widget sent no valid visitor token.");
    const origin = { address: request.ip };
    const anonymous = await identifyVisitor(domain, { token, userAgent: request.headers["user-agent"] ?? null, language: null, origin });
    const visitor = await resolveVisitorIdentity(domain, { visitor: anonymous, token, claim: identityFromHeaders(request) });
    const upload = await readUpload(request, domain.chat.uploadMaxBytes);
    await consumeAddressLimit(domain, "uploadBytes", origin, upload.data.length);
    const attachment = await uploadAttachment(domain, { uploader: `visitor:${visitor.id}`, ...upload });
    return reply.code(201).send({ attachment });
  });

  const loader = join(DIST, "widget.js");
  app.get("/widget.js", async (_request, reply) => {
    if (!existsSync(loader)) return sendError(reply, 503, "widget_not_built", "The widget is not built. Run `npm run build`.");
    embeddable(reply);
    // Short cache: sites embed this URL for years, so updates must reach them.
    return reply.header("cache-control", "public, max-age=300").type("text/javascript; charset=utf-8").send(createReadStream(loader));
  });

  const frameRoot = join(DIST, "widget");
  if (existsSync(frameRoot)) {
    await app.register(async (frame) => {
      frame.addHook("onSend", async (_request, reply) => embeddable(reply));
      await frame.register(fastifyStatic, {
        root: frameRoot,
        prefix: "/widget/",
        decorateReply: false,
        cacheControl: false,
        setHeaders: (res, path) => {
          res.setHeader("cache-control", /[\\/]assets[\\/]/.test(path) ? "public, max-age=31536000, immutable" : "no-cache");
        },
      });
    });
  }

  // The page itself (/demo/) is rendered by sitePageRoutes; this serves its stylesheet.
  await app.register(fastifyStatic, { root: join(WEB, "demo"), prefix: "/demo/", decorateReply: false, index: false });
  app.get("/demo", async (_request, reply) => reply.redirect("/demo/", 302));
};
