import { useEffect, useMemo } from "preact/hooks";
import { createCallsApi } from "./api/callsApi";
import { CallCenterView } from "./calls/CallCenterView";
import { createCallHistoryStore } from "./calls/callHistoryStore";
import { useCallsBadge } from "./calls/useCallsBadge";
import type { Agent } from "./api/types";
import { useI18n } from "./i18n";
import { InboxProvider } from "./inbox/InboxContext";
import { InboxPage } from "./inbox/InboxPage";
import { useUnreadTitle } from "./notifications/useUnreadTitle";
import { callHistoryIdOf, callIdOf, contactIdOf, conversationIdOf, inboxHoursIdOf, inboxIdOf, inboxSettingsIdOf, navigate, ROUTES, readRouteNotice } from "./router";
import { session } from "./session/sessionStore";
import { useSessionState } from "./session/useSession";
import { AppShell } from "./shell/AppShell";
import { ShortcutsSheet } from "./shortcuts/ShortcutsSheet";
import { useShortcuts } from "./shortcuts/useShortcuts";
import { SignInFlow } from "./signin/SignInFlow";
import { lazyPage } from "./ui/lazyPage";
import { Toaster } from "./ui/toasts";
import { logFailure } from "../../shared/logFailure";

// Pages other than the inbox load when first opened (ui/lazyPage.tsx).
const AccountPage = lazyPage(() => import("./account/AccountPage").then((m) => m.AccountPage));
const CallDetailPage = lazyPage(() => import("./calls/CallDetailPage").then((m) => m.CallDetailPage));
const CallsPage = lazyPage(() => import("./calls/CallsPage").then((m) => m.CallsPage));
const CannedRepliesPage = lazyPage(() => import("./canned/CannedRepliesPage").then((m) => m.CannedRepliesPage));
const ContactPage = lazyPage(() => import("./contacts/ContactPage").then((m) => m.ContactPage));
const ContactsPage = lazyPage(() => import("./contacts/ContactsPage").then((m) => m.ContactsPage));
const LabelsPage = lazyPage(() => import("./labels/LabelsPage").then((m) => m.LabelsPage));
const CallbacksPage = lazyPage(() => import("./callbacks/CallbacksPage").then((m) => m.CallbacksPage));
const InboxHoursPage = lazyPage(() => import("./hours/BusinessHoursEditor").then((m) => m.InboxHoursPage));
const InboxDetailPage = lazyPage(() => import("./inboxes/InboxDetailPage").then((m) => m.InboxDetailPage));
const InboxesPage = lazyPage(() => import("./inboxes/InboxesPage").then((m) => m.InboxesPage));
const InboxSettingsPage = lazyPage(() => import("./settings/InboxSettingsForm").then((m) => m.InboxSettingsPage));
const AuditLogPage = lazyPage(() => import("./team/AuditLogPage").then((m) => m.AuditLogPage));
const AccessLogPage = lazyPage(() => import("./team/AccessLogPage").then((m) => m.AccessLogPage));
const TeamPage = lazyPage(() => import("./team/TeamPage").then((m) => m.TeamPage));
// Reports brings its chart library (uPlot) along in its chunk.
const ReportsPage = lazyPage(() => import("./reports/ReportsPage").then((m) => m.ReportsPage));
const WebhooksPage = lazyPage(() => import("./webhooks/WebhooksPage").then((m) => m.WebhooksPage));
const ApiTokensPage = lazyPage(() => import("./apiTokens/ApiTokensPage").then((m) => m.ApiTokensPage));

function LoadingScreen() {
	const { t } = useI18n();
	return (
		<main class="loading-screen" id="main">
			<p class="muted" role="status">
				{t("app.loading")}
			</p>
		</main>
	);
}

/** The signed-in pages: the inbox at "/" and "/conversations/:id", calls at "/calls", and settings. */
function SignedInPages({ agent, route }: { agent: Agent; route: string }) {
	const unread = useUnreadTitle();
	const conversationId = conversationIdOf(route);
	const callId = callIdOf(route);
	const pastCallId = callHistoryIdOf(route);
	const contactId = contactIdOf(route);
	const isInbox = route === ROUTES.home || conversationId !== null || callId !== null;
	const hoursInboxId = agent.isAdmin ? inboxHoursIdOf(route) : null;
	const inboxSettingsId = agent.isAdmin ? inboxSettingsIdOf(route) : null;
	const inboxId = inboxIdOf(route);
	const adminRoute =
		agent.isAdmin &&
		(route === ROUTES.team ||
			route === ROUTES.audit ||
			route === ROUTES.accessLog ||
			route === ROUTES.apiTokens ||
			route === ROUTES.labels ||
			route === ROUTES.inboxes ||
			route === ROUTES.webhooks ||
			inboxId !== null ||
			hoursInboxId !== null ||
			inboxSettingsId !== null);
	const knownRoute =
		isInbox ||
		adminRoute ||
		route === ROUTES.settings ||
		route === ROUTES.calls ||
		route === ROUTES.canned ||
		route === ROUTES.callbacks ||
		route === ROUTES.reports ||
		pastCallId !== null ||
		route === ROUTES.contacts ||
		contactId !== null;
	// Kept while signed in, so a call's page and back keeps the Calls page's tab, filters and pages.
	const callsApi = useMemo(() => createCallsApi(session.request), []);
	const callHistory = useMemo(() => createCallHistoryStore(callsApi), [callsApi]);
	useShortcuts();
	const callsBadge = useCallsBadge(callsApi, agent.id, route === ROUTES.calls || pastCallId !== null);

	useEffect(() => {
		if (!knownRoute) navigate(ROUTES.home, { replace: true });
	}, [knownRoute]);

	return (
		<AppShell agent={agent} route={route} unread={unread} calls={callsBadge} fullBleed={isInbox} focusedView={conversationId !== null}>
			{isInbox && <InboxPage conversationId={conversationId} />}
			{route === ROUTES.settings && <AccountPage agent={agent} />}
			{route === ROUTES.calls && <CallsPage history={callHistory} isAdmin={agent.isAdmin} />}
			{route === ROUTES.canned && <CannedRepliesPage agent={agent} />}
			{route === ROUTES.contacts && <ContactsPage />}
			{contactId !== null && <ContactPage key={contactId} agent={agent} contactId={contactId} />}
			{adminRoute && route === ROUTES.team && <TeamPage agent={agent} />}
			{adminRoute && route === ROUTES.audit && <AuditLogPage />}
			{adminRoute && route === ROUTES.accessLog && <AccessLogPage />}
			{adminRoute && route === ROUTES.apiTokens && <ApiTokensPage />}
			{adminRoute && route === ROUTES.labels && <LabelsPage />}
			{adminRoute && route === ROUTES.webhooks && <WebhooksPage />}
			{hoursInboxId !== null && <InboxHoursPage key={hoursInboxId} inboxId={hoursInboxId} />}
			{route === ROUTES.callbacks && <CallbacksPage />}
			{route === ROUTES.reports && <ReportsPage />}
			{adminRoute && route === ROUTES.inboxes && <InboxesPage />}
			{adminRoute && inboxId !== null && <InboxDetailPage key={inboxId} inboxId={inboxId} />}
			{inboxSettingsId !== null && <InboxSettingsPage key={inboxSettingsId} inboxId={inboxSettingsId} />}
			{pastCallId !== null && <CallDetailPage key={pastCallId} callId={pastCallId} api={callsApi} history={callHistory} isAdmin={agent.isAdmin} />}
			<CallCenterView focusCallId={callId} />
			<ShortcutsSheet />
			<Toaster />
		</AppShell>
	);
}

function SignedInConsole({ agent, route }: { agent: Agent; route: string }) {
	const { suggestLanguage } = useI18n();

	useEffect(() => {
		if (agent.language) suggestLanguage(agent.language);
	}, [agent.language, suggestLanguage]);

	return (
		<InboxProvider agent={agent}>
			<SignedInPages agent={agent} route={route} />
		</InboxProvider>
	);
}

/** Resumes the cookie session on load, then shows sign-in or the signed-in console. */
export function SessionGate({ route }: { route: string }) {
	const state = useSessionState();

	useEffect(() => {
		session.start().catch(logFailure("starting the session"));
	}, []);

	switch (state.status) {
		case "starting":
			return <LoadingScreen />;
		case "signedOut":
			return <SignInFlow reason={state.reason} notice={readRouteNotice()} />;
		case "signedIn":
			return <SignedInConsole agent={state.agent} route={route} />;
	}
}
