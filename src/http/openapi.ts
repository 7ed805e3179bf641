import fastifySwagger from "@fastify/swagger";
import type { FastifyInstance } from "fastify";
import { jsonSchemaTransform } from "fastify-type-provider-zod";
import { API_SCOPES } from "../protocol/apiTokens.ts";

/** Every path the OpenAPI document describes starts here. */
export const API_V1 = "/api/v1";

/**
 * Registers @fastify/swagger before any route, so every /api/v1 route's zod schemas become the
 * OpenAPI document (the console's own routes stay out of it: they are not a public contract).
 */
export async function registerOpenApi(app: FastifyInstance, publicUrl: string): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "destek REST API",
        version: "1.0.0",
        description:
          "Conversations, messages, contacts, calls and canned replies of a destek install. Authenticate with an API token " +
          "that an admin creates on the console's API tokens page: `Authorization: Bearer dst_…`. A token acts as the " +
          "admin who created it (messages sent through it are theirs) and only for the scopes it was given. Errors are " +
          "`{ \"error\": { \"id\": \"…\", \"message\": \"…\" } }` with a stable id.",
      },
      servers: [{ url: publicUrl }],
      components: {
        securitySchemes: {
          bearerAuth: {
            type: "http",
            scheme: "bearer",
            bearerFormat: "dst_ API token",
            description: `An API token from the console. Scopes: ${API_SCOPES.join(", ")}.`,
          },
        },
      },
      security: [{ bearerAuth: [] }],
    },
    transform: (input) => {
      if (!input.url.startsWith(`${API_V1}/`)) return { schema: { ...input.schema, hide: true }, url: input.url };
      // A plugin's "/" route answers with and without the trailing slash; the document names the form without.
      const { schema, url } = jsonSchemaTransform(input);
      return { schema, url: url.replace(/(.)\/$/, "$1") };
    },
  });
}
