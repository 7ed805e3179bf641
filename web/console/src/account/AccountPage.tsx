import type { Agent } from "../api/types";
import { useState } from "preact/hooks";
import { useI18n } from "../i18n";
import { session } from "../session/sessionStore";
import { Button } from "../ui/Button";
import { TextField } from "../ui/TextField";
import { ErrorAlert } from "../ui/ErrorAlert";
import { useAsyncAction } from "../ui/useAsyncAction";
import { AgentsTable } from "./AgentsTable";
import { IdentitySettings } from "./IdentitySettings";
import { InstallSettingsForm } from "../settings/InstallSettingsForm";
import { TelegramSettings } from "./TelegramSettings";
import { RecoveryCodesSettings } from "./RecoveryCodesSettings";
import { TotpSettings } from "./TotpSettings";
import { PushSettings } from "./PushSettings";
import { followLink, inboxHoursRoute, routeHref } from "../router";

/** Until the Inboxes page lists every inbox, Settings links to the default one's hours. */
const DEFAULT_INBOX = "default";

/** Settings: profile, second factors, sessions, and the agents list for admins. */
export function AccountPage({ agent }: { agent: Agent }) {
	const { t } = useI18n();
	const signOutAction = useAsyncAction();
	// Asked once for both methods below; the server checks it on every change.
	const [password, setPassword] = useState("");
	return (
		<div class="page">
			<h1 class="page-title">{t("account.title")}</h1>

			<section class="card" aria-labelledby="profile-heading">
				<h2 id="profile-heading">{t("account.profile")}</h2>
				<dl class="details">
					<div>
						<dt>{t("field.name")}</dt>
						<dd>{agent.name}</dd>
					</div>
					<div>
						<dt>{t("field.username")}</dt>
						<dd>{agent.username}</dd>
					</div>
					<div>
						<dt>{t("account.role")}</dt>
						<dd>{agent.isAdmin ? t("role.admin") : t("role.agent")}</dd>
					</div>
				</dl>
			</section>

			<section class="card" aria-labelledby="two-step-heading">
				<h2 id="two-step-heading">{t("account.twoStep")}</h2>
				<p class="muted">{t("account.twoStepIntro")}</p>
				<TextField
					label={t("account.currentPassword")}
					hint={t("account.currentPasswordHint")}
					type="password"
					name="current-password"
					autoComplete="current-password"
					value={password}
					onValue={setPassword}
				/>
				<TelegramSettings agent={agent} password={password} />
				<TotpSettings agent={agent} password={password} />
				<RecoveryCodesSettings password={password} />
			</section>

			<PushSettings />

			<section class="card" aria-labelledby="sessions-heading">
				<h2 id="sessions-heading">{t("account.sessions")}</h2>
				<p class="muted">{t("account.sessionsIntro")}</p>
				<ErrorAlert error={signOutAction.error} />
				<div class="setting-actions">
					<Button busy={signOutAction.busy} onClick={() => signOutAction.run(session.signOut)}>
						{t("shell.signOut")}
					</Button>
					<Button busy={signOutAction.busy} onClick={() => signOutAction.run(session.signOutEverywhere)}>
						{t("shell.signOutEverywhere")}
					</Button>
				</div>
			</section>

			{agent.isAdmin && <InstallSettingsForm />}

			{agent.isAdmin && <IdentitySettings />}

			{agent.isAdmin && (
				<section class="card" aria-labelledby="hours-heading">
					<h2 id="hours-heading">{t("hours.title")}</h2>
					<a href={routeHref(inboxHoursRoute(DEFAULT_INBOX))} onClick={(event) => followLink(event, inboxHoursRoute(DEFAULT_INBOX))}>
						{t("hours.link")}
					</a>
				</section>
			)}

			{agent.isAdmin && (
				// Not a landmark itself: the table's scroll region below is the labelled one.
				<div class="card">
					<h2 id="agents-heading">{t("agents.title")}</h2>
					<AgentsTable headingId="agents-heading" />
				</div>
			)}
		</div>
	);
}
