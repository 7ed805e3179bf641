import { findCall } from "../../adapters/db/repositories/calls.ts";
import { forbidden } from "../errors.ts";
import type { DomainDeps } from "../ports.ts";
import type { CallRow } from "../../adapters/db/repositories/calls.ts";

/**
 * A participant of a live call says their video sender carries a track (camera or screen) or none.
 * The call records the media actually used: it becomes a video call the first time either side
 * sends video, and stays one (the history tells what the call was, not how it ended).
 */
export async function noteCallMedia(
  deps: DomainDeps,
  from: { visitorId: string } | { agentId: string },
  callId: string,
  video: boolean,
): Promise<{ media: CallRow["media"] }> {
  const call = await findCall(deps.db, callId);
  const participant = call?.status === "active" && ("visitorId" in from ? from.visitorId === call.visitor_id : from.agentId === call.agent_id);
  if (!call || !participant) throw forbidden("not_in_call", "You are not in this call.");
  if (!video || call.media === "video") return { media: call.media };
  await deps.db.updateTable("calls").set({ media: "video" }).where("id", "=", callId).where("status", "=", "active").execute();
  return { media: "video" };
}
