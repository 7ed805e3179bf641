import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { DomainError, type ErrorKind } from "../domain/errors.ts";
import { ServiceOutage } from "../domain/outage.ts";
import { outageBehind } from "../adapters/outages.ts";

const STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported: 415,
  rate_limited: 429,
  unavailable: 502,
  storage_full: 507,
};

// Fastify's own client errors, given stable ids.
const FASTIFY_IDS: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: "invalid_json",
  FST_ERR_CTP_EMPTY_JSON_BODY: "invalid_json",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "unsupported_media_type",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "invalid_request",
  FST_ERR_CTP_BODY_TOO_LARGE: "payload_too_large",
  FST_ERR_BAD_URL: "invalid_request",
  FST_CSRF_INVALID_TOKEN: "csrf_invalid",
  FST_CSRF_MISSING_SECRET: "csrf_invalid",
  FST_REQ_FILE_TOO_LARGE: "file_too_large",
  FST_FILES_LIMIT: "invalid_file",
  FST_PARTS_LIMIT: "invalid_file",
  FST_INVALID_MULTIPART_CONTENT_TYPE: "invalid_file",
  FST_MULTIPART_INVALID_CONTENT_TYPE: "invalid_file",
};

export function sendError(reply: FastifyReply, status: number, id: string, message: string, extra: { retryAfterMs?: number } = {}) {
  return reply.code(status).type("application/json").send({ error: { id, message, ...extra } });
}

/**
 * Errors the router raises before any route or hook runs (a malformed or over-long path). Without
 * this Fastify answers them itself, with a body of its own shape that echoes the whole path.
 */
export function frameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  if (error.code === "FST_ERR_MAX_PARAM_LENGTH") return sendError(reply, 414, "uri_too_long", "A part of the address is too long.");
  if (error.code === "FST_ERR_BAD_URL") return sendError(reply, 400, "invalid_request", "The address is not valid (malformed percent-encoding).");
  return sendError(reply, error.statusCode && error.statusCode < 500 ? error.statusCode : 400, "invalid_request", "The request could not be routed.");
}

/** One error handler: stable ids, a readable message, and never a stack trace or internals. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    // A database or Redis that is away is a 503 to retry, not a 500.
    const known: unknown = outageBehind(error) ?? error;
    if (known instanceof DomainError) {
      const status = known instanceof ServiceOutage ? 503 : STATUS[known.kind];
      if (known.retryAfterMs === undefined) return sendError(reply, status, known.id, known.message);
      reply.header("retry-after", Math.ceil(known.retryAfterMs / 1000));
      return sendError(reply, status, known.id, known.message, { retryAfterMs: known.retryAfterMs });
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const details = error.validation
        .slice(0, 5)
        .map((issue) => `${issue.instancePath.replace(/^\//, "").replaceAll("/", ".") || error.validationContext}: ${issue.message}`)
        .join("; ");
      return sendError(reply, 400, "invalid_request", `Invalid ${error.validationContext ?? "request"}: ${details}`);
    }
    if (error.code === "FST_ERR_RATE_LIMIT" || error.statusCode === 429) {
      return sendError(reply, 429, "rate_limited", "Too many requests. Slow down and try again shortly.");
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const id = FASTIFY_IDS[error.code] ?? "bad_request";
      const message = id === "invalid_json" ? "The request body is not valid JSON." : id === "csrf_invalid" ? "Missing or invalid CSRF token." : error.message;
      return sendError(reply, status, id, message);
    }
    request.log.error({ err: error }, "unhandled error");
    return sendError(reply, 500, "internal", `Something went wrong on our side. Reference: ${request.id}`);
  });

  app.setNotFoundHandler((request, reply) => sendError(reply, 404, "not_found", `No route for ${request.method} ${request.url.split("?")[0]}.`));
}
