import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { acceptLink, previewLink } from "../../domain/auth/oneTimeLinks.ts";
import { requestLoginCode, signInWithPassword, verifySecondFactor } from "../../domain/auth/login.ts";
import { confirmTotpDuringSignIn, enrollTelegramDuringSignIn, enrollTotpDuringSignIn } from "../../domain/auth/secondFactors.ts";
import { endAllSessions, endSession, type IssuedSession, refreshSession } from "../../domain/auth/sessions.ts";
import { unauthorized } from "../../domain/errors.ts";
import type { AppDeps } from "../../deps.ts";
import { currentAgent, requireAgent } from "../authenticate.ts";
import { mediaSessionToken } from "../../domain/signedLinks.ts";
import { clearMediaCookie, clearRefreshCookie, readRefreshCookie, setMediaCookie, setRefreshCookie } from "../cookies.ts";
import { serverFeatures } from "../../protocol/features.ts";
import { linkPreview, linkToken } from "../../protocol/team.ts";
import { code, emptyBody, password, sessionResponse, telegramLink, text, ticket, totpEnrollment, username } from "../schemas.ts";

/** What a right password (or an accepted invite or reset link) answers: the sign-in goes on to a second factor. */
const passwordAccepted = z.object({
  ticket: z.string(),
  codeSent: z.boolean(),
  enrollmentRequired: z.boolean(),
  methods: z.object({ telegram: z.boolean(), totp: z.boolean() }),
  features: serverFeatures,
});

export const authRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const { domain, config } = deps;
  // Sign-in steps are the brute-force target: a tight per-address limit on top of the global one.
  const strict = { rateLimit: { max: config.authRateLimitPerMinute, timeWindow: "1 minute" } };
  const client = (request: FastifyRequest) => ({ ip: request.ip, userAgent: request.headers["user-agent"] ?? null });

  const issue = async (reply: FastifyReply, session: IssuedSession & { recoveryCodes?: string[]; recoveryCodesLeft?: number }) => {
    setRefreshCookie(reply, session.refreshToken, config.secureCookies);
    setMediaCookie(reply, mediaSessionToken(domain.keys.mediaSessions, session.sessionId), config.secureCookies);
    const { recoveryCodes, recoveryCodesLeft } = session;
    return {
      accessToken: session.accessToken,
      expiresIn: session.expiresIn,
      csrfToken: reply.generateCsrf(),
      agent: session.agent,
      ...(recoveryCodes ? { recoveryCodes } : {}),
      ...(recoveryCodesLeft !== undefined ? { recoveryCodesLeft } : {}),
    };
  };

  app.post("/login", {
    config: strict,
    schema: {
      body: z.object({ username, password }),
      response: { 200: passwordAccepted },
    },
  }, (request) => signInWithPassword(domain, { ...request.body, ...client(request) }));

  app.post("/code", { config: strict, schema: { body: z.object({ ticket }), response: { 200: z.object({ codeSent: z.literal(true) }) } } }, async (request) => {
    await requestLoginCode(domain, { ticket: request.body.ticket, ...client(request) });
    return { codeSent: true as const };
  });

  app.post("/verify", {
    config: strict,
    schema: {
      body: z
        .object({
          ticket,
          code: text().trim().min(1).max(32),
          method: z.enum(["telegram", "totp", "recovery"]).default("telegram"),
          /** Set by the console right after enrolling Telegram: the first recovery codes come back once. */
          issueRecoveryCodes: z.boolean().optional(),
        })
        .refine((body) => body.method === "recovery" || /^\d{6}$/.test(body.code), { message: "must be 6 digits", path: ["code"] }),
      response: { 200: sessionResponse },
    },
  }, async (request, reply) => issue(reply, await verifySecondFactor(domain, { ...request.body, ...client(request) })));

  // Invite and password-reset links: who the link is for, then the chosen password, which
  // continues like a password sign-in (second factor or enrolment).
  app.post("/link", { config: strict, schema: { body: z.object({ token: linkToken }), response: { 200: linkPreview } } }, (request) =>
    previewLink(domain, request.body.token),
  );

  app.post("/link/accept", {
    config: strict,
    schema: {
      body: z.object({ token: linkToken, password }),
      // An accepted invite or reset link goes on exactly as a password sign-in does.
      response: { 200: passwordAccepted },
    },
  }, (request) => acceptLink(domain, { ...request.body, ...client(request) }));

  app.post("/enroll/telegram", { config: strict, schema: { body: z.object({ ticket }), response: { 200: telegramLink } } }, (request) =>
    enrollTelegramDuringSignIn(domain, request.body.ticket),
  );

  app.post("/enroll/totp", { config: strict, schema: { body: z.object({ ticket }), response: { 200: totpEnrollment } } }, (request) =>
    enrollTotpDuringSignIn(domain, request.body.ticket),
  );

  app.post("/enroll/totp/confirm", { config: strict, schema: { body: z.object({ ticket, code }), response: { 200: sessionResponse } } }, async (request, reply) =>
    issue(reply, await confirmTotpDuringSignIn(domain, { ...request.body, ...client(request) })),
  );

  // A GET cannot be read cross-origin, so handing out the token here is safe; it pairs with a secret cookie.
  app.get("/csrf", { schema: { response: { 200: z.object({ csrfToken: z.string() }) } } }, async (_request, reply) => ({ csrfToken: reply.generateCsrf() }));

  // The two cookie-authenticated calls: they need the CSRF token in x-csrf-token.
  app.post("/refresh", { onRequest: app.csrfProtection, schema: { body: emptyBody, response: { 200: sessionResponse } } }, async (request, reply) => {
    const token = readRefreshCookie(request);
    if (!token) throw unauthorized("session_invalid", "Your session has ended. Sign in again.");
    try {
      return await issue(reply, await refreshSession(domain, token, client(request)));
    } catch (error) {
      clearRefreshCookie(reply, config.secureCookies);
      clearMediaCookie(reply, config.secureCookies);
      throw error;
    }
  });

  // Open consoles of an ended session are disconnected at once, on every node: the domain
  // publishes `session.ended`, and the socket gateway disconnects them.
  app.post("/logout", { onRequest: app.csrfProtection, schema: { body: emptyBody } }, async (request, reply) => {
    const token = readRefreshCookie(request);
    if (token) await endSession(domain, token, request.ip);
    clearRefreshCookie(reply, config.secureCookies);
    clearMediaCookie(reply, config.secureCookies);
    return reply.code(204).send();
  });

  app.post("/logout-all", { preHandler: requireAgent(domain), schema: { body: emptyBody } }, async (request, reply) => {
    const { actor } = currentAgent(request);
    await endAllSessions(domain, actor, request.ip);
    clearRefreshCookie(reply, config.secureCookies);
    clearMediaCookie(reply, config.secureCookies);
    return reply.code(204).send();
  });
};
