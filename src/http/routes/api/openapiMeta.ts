import type { ApiScope } from "../../../protocol/apiTokens.ts";
import { apiError } from "../../../protocol/api.ts";

/** The OpenAPI description of an /api/v1 route: its tag, summary, and the token scope it needs. */
export function apiRoute(tag: string, summary: string, scope: ApiScope, description?: string) {
  return {
    tags: [tag],
    summary,
    description: `${description ? `${description}\n\n` : ""}Needs an API token with the scope \`${scope}\`.`,
    security: [{ bearerAuth: [scope] }],
  };
}

/** The error answers every /api/v1 route may give. */
export const apiErrors = {
  400: apiError.describe("Invalid input"),
  401: apiError.describe("Missing, unknown or revoked API token"),
  403: apiError.describe("The token lacks the route's scope"),
  404: apiError.describe("No such item (or not visible to the token's owner)"),
};
