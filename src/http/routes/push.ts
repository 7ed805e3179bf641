import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppDeps } from "../../deps.ts";
import { addPushDevice, listPushDevices, removePushDevice } from "../../domain/push/pushDevices.ts";
import { pushKeys } from "../../domain/push/pushKeys.ts";
import { newPushSubscription, pushDevicesResponse, pushDeviceView } from "../../protocol/push.ts";
import { currentAgent, requireAgent } from "../authenticate.ts";

/** The signed-in agent's own push devices (/api/me/push-subscriptions): list, add this browser, remove. */
export const pushRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { domain }) => {
  app.addHook("preHandler", requireAgent(domain));

  app.get("/", { schema: { response: { 200: pushDevicesResponse } } }, async (request) => ({
    publicKey: (await pushKeys(domain.db, domain.clock.now())).publicKey,
    devices: await listPushDevices(domain, currentAgent(request).row.id),
  }));

  app.post("/", { schema: { body: newPushSubscription, response: { 201: pushDeviceView } } }, async (request, reply) =>
    reply.code(201).send(await addPushDevice(domain, currentAgent(request).row.id, request.body)),
  );

  app.delete("/:id", { schema: { params: z.object({ id: z.uuid() }) } }, async (request, reply) => {
    await removePushDevice(domain, currentAgent(request).row.id, request.params.id);
    return reply.code(204).send();
  });
};
