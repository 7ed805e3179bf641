import { z } from "zod";
import { cursorPage, pageLimit } from "./paging.ts";
import { text } from "./text.ts";

// Team administration and the audit log over HTTP (admins). Clients import types only.

export const agentRole = z.enum(["admin", "agent"]);
export type AgentRole = z.infer<typeof agentRole>;

/** Where an account stands: invited (has never signed in since an invite), active or disabled. */
export const memberStatus = z.enum(["active", "disabled", "invited"]);
export type MemberStatus = z.infer<typeof memberStatus>;

export const teamMemberView = z.object({
  id: z.string(),
  username: z.string(),
  name: z.string(),
  role: agentRole,
  status: memberStatus,
  telegramLinked: z.boolean(),
  totpEnabled: z.boolean(),
  recoveryCodesLeft: z.number(),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
});
export type TeamMember = z.infer<typeof teamMemberView>;

/** A one-time link (invite or password reset), shown to the admin once. */
export const oneTimeLinkView = z.object({ link: z.string(), expiresAt: z.string() });
export type OneTimeLink = z.infer<typeof oneTimeLinkView>;

export const inviteRequest = z.object({
  username: text().trim().min(2).max(32),
  name: text().trim().min(1).max(100),
  role: agentRole.default("agent"),
  language: z.enum(["tr", "en"]).optional(),
});
export type InviteRequest = z.input<typeof inviteRequest>;

export const inviteResponse = z.object({ member: teamMemberView, invite: oneTimeLinkView });
export type InviteResponse = z.infer<typeof inviteResponse>;

/** What the invitee's page shows before they choose a password. */
export const linkPreview = z.object({ purpose: z.enum(["invite", "password_reset"]), name: z.string(), username: z.string() });
export type LinkPreview = z.infer<typeof linkPreview>;

export const linkToken = text().trim().min(20).max(200);

export const auditEntryView = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.object({ type: z.string(), id: z.string().nullable(), name: z.string().nullable() }),
  action: z.string(),
  target: z.object({ type: z.string(), id: z.string(), name: z.string().nullable() }).nullable(),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
});
export type AuditEntry = z.infer<typeof auditEntryView>;

export const auditQuery = z.object({
  actor: text().trim().min(1).max(64).optional(),
  action: text().trim().min(1).max(64).optional(),
  cursor: text().min(1).max(200).optional(),
  limit: pageLimit(50),
});

export const auditPage = cursorPage("entries", auditEntryView);
export type AuditPage = z.infer<typeof auditPage>;

export const recoveryCodesView = z.object({ codes: z.array(z.string()) });
export type RecoveryCodes = z.infer<typeof recoveryCodesView>;
