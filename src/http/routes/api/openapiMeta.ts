import type { z } from "zod";
import type { ApiScope } from "../../../protocol/apiTokens.ts";
import { apiError } from "../../../protocol/api.ts";

/** The error answers every /api/v1 route may give. */
const apiErrors = {
  400: apiError.describe("Invalid input"),
  401: apiError.describe("Missing, unknown or revoked API token"),
  403: apiError.describe("The token lacks the route's scope"),
  404: apiError.describe("No such item (or not visible to the token's owner)"),
};

/** What an /api/v1 route is, for OpenAPI: its tag, summary, the token scope it needs and maybe more words. */
export interface ApiOperation {
  tag: string;
  summary: string;
  scope: ApiScope;
  description?: string;
}

interface ApiSchema {
  params?: z.ZodType;
  querystring?: z.ZodType;
  body?: z.ZodType;
  /** The route's own answers; the errors of every route are added. */
  response: Record<number, z.ZodType>;
}

/**
 * An /api/v1 route's options: the scope requireApiToken checks (config.apiScope) and the schema, which
 * names the same scope in the OpenAPI document, so the two cannot disagree.
 */
export function apiOperation<const S extends ApiSchema>({ tag, summary, scope, description }: ApiOperation, schema: S) {
  return {
    config: { apiScope: scope },
    schema: {
      tags: [tag],
      summary,
      description: `${description ? `${description}\n\n` : ""}Needs an API token with the scope \`${scope}\`.`,
      security: [{ bearerAuth: [scope] }],
      ...schema,
      response: { ...schema.response, ...apiErrors },
    },
  };
}
