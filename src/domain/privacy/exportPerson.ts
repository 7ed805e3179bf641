import { findPeople, rowsOfPerson } from "../../adapters/db/repositories/personData.ts";
import { audit } from "../audit.ts";
import { notFound } from "../errors.ts";
import type { Actor, DomainDeps } from "../ports.ts";

/** A file to put in the export: where in the archive, and its stored bytes. */
export interface ExportFile {
  path: string;
  storageKey: string;
}

/** The answer to "what do you hold about me?": one JSON document and the files it names. */
export interface PersonExport {
  document: Record<string, unknown>;
  files: ExportFile[];
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
/** A file name safe inside any archive tool: no directories, no control characters. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const safeName = (name: string) => name.replace(/[\\/\x00-\x1f\x7f]/g, "_").slice(-120) || "file";

/**
 * Gathers everything stored about a person (a visitor id, or every visitor with that e-mail
 * address): profile, conversations with messages, notes and timeline, ratings, calls, consent
 * records (privacy notices and recording consents), and every attachment and recording. Written to the audit log.
 */
export async function exportPerson(deps: DomainDeps, input: { actor: Actor; person: string; ip?: string | null }): Promise<PersonExport> {
  const people = await findPeople(deps.db, input.person);
  if (!people.length) throw notFound("contact_not_found", `No contact ${input.person}.`);
  const files: ExportFile[] = [];
  const profiles = [];
  for (const person of people) {
    const rows = await rowsOfPerson(deps.db, person.id);
    const agentName = new Map(rows.agents.map((a) => [a.id, a.name]));
    const fileOf = new Map<string, string>();
    for (const a of rows.attachments) {
      if (a.deleted_at !== null) continue; // deleted after its retention period: only the row is left
      const path = `files/attachments/${a.id}-${safeName(a.file_name)}`;
      fileOf.set(a.id, path);
      files.push({ path, storageKey: a.storage_key });
    }
    const recordingPaths = new Map<string, string[]>();
    for (const r of rows.recordings) {
      const path = `files/recordings/${r.call_id}-${r.role}-${r.segment}.${r.mime.includes("mp4") ? "mp4" : "webm"}`;
      files.push({ path, storageKey: r.storage_key });
      recordingPaths.set(r.call_id, [...(recordingPaths.get(r.call_id) ?? []), path]);
    }
    profiles.push({
      id: person.id,
      name: person.name,
      email: person.email,
      phone: person.phone,
      company: person.company,
      notes: person.notes,
      mergedInto: person.merged_into,
      language: person.language,
      verifiedUserId: person.external_id,
      firstSeenAt: iso(person.first_seen_at),
      lastSeenAt: iso(person.last_seen_at),
      lastPage: person.page_url,
      browser: person.user_agent,
      otherDevices: rows.devices.length,
      conversations: rows.conversations.map((c) => ({
        id: c.id,
        status: c.status,
        startedAt: iso(c.created_at),
        resolvedAt: iso(c.resolved_at),
        messages: rows.messages
          .filter((m) => m.conversation_id === c.id)
          .map((m) => ({
            at: iso(m.created_at),
            from: m.author_type === "agent" ? (agentName.get(m.author_id ?? "") ?? "agent") : m.author_type,
            via: m.via,
            text: m.body,
            files: rows.attachments.filter((a) => a.message_id === m.id).map((a) => fileOf.get(a.id) ?? "(file removed after its retention period)"),
          })),
        // Notes are the team's words about the person: personal data they have a right to see.
        notesAndEvents: rows.events
          .filter((e) => e.conversation_id === c.id)
          .map((e) => ({ at: iso(e.created_at), kind: e.kind, by: e.actor_type === "agent" ? (agentName.get(e.actor_id ?? "") ?? "agent") : e.actor_type, text: e.body })),
        rating: rows.ratings.filter((r) => r.conversation_id === c.id).map((r) => ({ score: r.score, comment: r.comment, at: iso(r.updated_at) }))[0] ?? null,
      })),
      calls: rows.calls.map((call) => ({
        id: call.id,
        status: call.status,
        media: call.media,
        startedAt: iso(call.created_at),
        answeredAt: iso(call.answered_at),
        endedAt: iso(call.ended_at),
        durationSeconds: call.duration_ms === null ? null : Math.round(call.duration_ms / 1000),
        recordings: recordingPaths.get(call.id) ?? [],
      })),
      // Both kinds, oldest first: the privacy notices agreed to before chatting, and each call's recording consent.
      consents: [
        ...rows.consents.map((c) => ({ kind: c.kind, inboxId: c.inbox_id, at: iso(c.created_at), wordingVersion: c.version, policyUrl: c.policy_url, ms: c.created_at })),
        ...rows.calls
          .filter((call) => call.consent_at !== null)
          .map((call) => ({ kind: "call_recording", callId: call.id, mode: call.consent_mode, at: iso(call.consent_at), wordingVersion: call.consent_version, ms: call.consent_at ?? 0 })),
      ]
        .sort((a, b) => a.ms - b.ms)
        .map(({ ms: _ms, ...consent }) => consent),
      unsentFiles: rows.attachments.filter((a) => a.message_id === null).map((a) => fileOf.get(a.id)),
    });
  }
  await audit(deps.db, deps.clock.now(), {
    actor: input.actor,
    action: "contact.exported",
    target: { type: "visitor", id: people[0]!.id },
    ip: input.ip ?? null,
    details: { visitorIds: people.map((p) => p.id), files: files.length },
  });
  return { document: { exportedAt: iso(deps.clock.now()), people: profiles }, files };
}
