import { randomBytes, randomUUID } from "node:crypto";
import type { Socket } from "socket.io-client";
import { insertRecording } from "../../src/adapters/db/repositories/recordings.ts";
import type { CallView } from "../../src/protocol/calls.ts";
import type { MessageView } from "../../src/protocol/chat.ts";
import { newClientId, newVisitorToken, openSocket, request } from "./chatClients.ts";
import { connectAgent, disabledAgent, type SecurityStage, signedInAgent } from "./security.ts";

// The people and resources of the access-control matrix: visitor A owns a conversation, an
// attachment, calls and a recording; visitor B has their own; an agent, an admin and a disabled
// agent hold tokens. Each matrix cell asks for what it needs (a queued call, a live one) and gets a
// fresh one when an earlier cell used it up.

export const ROLES = ["anonymous", "visitorA", "visitorB", "agent", "admin", "disabled"] as const;
export type Role = (typeof ROLES)[number];

export interface Visitor {
  token: string;
  socket: Socket;
  conversationId: string;
  /** `/files/<id>?exp=…&sig=…` of an attachment of this visitor's conversation. */
  fileLink: string;
}

export interface AccessFixture {
  stage: SecurityStage;
  visitorA: Visitor;
  visitorB: Visitor;
  agent: { id: string; username: string; token: string; mediaCookie: string; socket: Socket };
  admin: { id: string; token: string; mediaCookie: string; socket: Socket };
  disabled: { token: string };
  /** An ended call of visitor A with a stored recording, and that recording's signed link (as an agent sees it). */
  recordedCall: { id: string; recordingId: string; recordingLink: string };
  /** A call of visitor A waiting in the queue (a new one if the last was taken or ended). */
  queuedCallOfA(): Promise<string>;
  /** A call of visitor A that `agent` accepted and that is still live. */
  liveCallOfA(): Promise<string>;
  /** A new agent of no importance, for cells that disable someone. */
  throwawayAgent(): Promise<string>;
}

async function uploadFile(stage: SecurityStage, visitorToken: string): Promise<string> {
  const form = new FormData();
  form.append("file", new Blob([Buffer.from("order 1234, see attached")]), "note.txt");
  const res = await fetch(`${stage.url}/api/widget/attachments`, { method: "POST", headers: { authorization: `Visitor ${visitorToken}` }, body: form });
  if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { attachment: { id: string } }).attachment.id;
}

async function newVisitor(stage: SecurityStage): Promise<Visitor> {
  const token = newVisitorToken();
  const socket = await openSocket(`${stage.url}/visitor`, { visitorToken: token });
  const attachmentId = await uploadFile(stage, token);
  const { message } = await request<{ message: MessageView }>(socket, "message:send", { clientId: newClientId(), body: "my order", attachmentIds: [attachmentId] });
  const link = message.attachments[0]?.url;
  if (!link) throw new Error("the message came back without its attachment");
  return { token, socket, conversationId: message.conversationId, fileLink: link };
}

export async function buildAccessFixture(stage: SecurityStage): Promise<AccessFixture> {
  const visitorA = await newVisitor(stage);
  const visitorB = await newVisitor(stage);
  const agentLogin = await signedInAgent(stage);
  const adminLogin = await signedInAgent(stage, { admin: true });
  const disabled = await disabledAgent(stage);
  const agent = {
    id: agentLogin.agent.id, username: agentLogin.username, token: agentLogin.accessToken, mediaCookie: agentLogin.mediaCookie,
    socket: await connectAgent(stage, agentLogin.accessToken),
  };
  const admin = { id: adminLogin.agent.id, token: adminLogin.accessToken, mediaCookie: adminLogin.mediaCookie, socket: await connectAgent(stage, adminLogin.accessToken) };

  // Pressing Call again returns the visitor's live call; hang that up (by whoever holds it) for a new one.
  const currentCallOfA = async () => (await request<{ call: CallView }>(visitorA.socket, "call:start", { media: "audio" })).call;
  const hangUpAsHolder = async (call: CallView) => {
    const holder = call.agent?.id === admin.id ? admin.socket : agent.socket;
    await request(holder, "call:hangup", { callId: call.id });
  };
  const queuedCallOfA = async () => {
    let call = await currentCallOfA();
    if (call.status === "active") {
      await hangUpAsHolder(call);
      call = await currentCallOfA();
    }
    if (call.status !== "queued") throw new Error(`visitor A's new call is ${call.status}`);
    return call.id;
  };
  const liveCallOfA = async () => {
    const call = await currentCallOfA();
    if (call.status === "active" && call.agent?.id === agent.id) return call.id;
    const id = call.status === "queued" ? call.id : await queuedCallOfA();
    await request(agent.socket, "call:accept", { callId: id });
    return id;
  };

  // A recording of an ended call of A's, stored as the recorder would, with the link the API hands agents.
  const recordedCallId = await liveCallOfA();
  await request(agent.socket, "call:hangup", { callId: recordedCallId });
  const recordingId = randomUUID();
  const storageKey = `recordings/${randomBytes(18).toString("base64url")}.webm`;
  await stage.deps.domain.storage.put(storageKey, Buffer.from("webm bytes of the call"));
  await insertRecording(stage.deps.domain.db, {
    id: recordingId, call_id: recordedCallId, role: "mixed", storage_key: storageKey, mime: "audio/webm",
    size: 22, duration_ms: 1000, created_at: stage.deps.domain.clock.now(), deleted_at: null,
  });
  const entry = await fetch(`${stage.url}/api/calls/${recordedCallId}`, { headers: { authorization: `Bearer ${agent.token}` } });
  const recordingLink = ((await entry.json()) as { call: { recordings: Array<{ id: string; url: string }> } }).call.recordings.find((r) => r.id === recordingId)?.url;
  if (!recordingLink) throw new Error("the call history did not list the recording");

  return {
    stage,
    visitorA,
    visitorB,
    agent,
    admin,
    disabled: { token: disabled.accessToken },
    recordedCall: { id: recordedCallId, recordingId, recordingLink },
    queuedCallOfA,
    liveCallOfA,
    throwawayAgent: async () => (await signedInAgent(stage)).username,
  };
}

export function closeAccessFixture(fixture: AccessFixture | undefined): void {
  if (!fixture) return;
  for (const socket of [fixture.visitorA.socket, fixture.visitorB.socket, fixture.agent.socket, fixture.admin.socket]) socket.disconnect();
}
