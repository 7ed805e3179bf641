import type { ComponentChildren } from "preact";
import type { Agent } from "../api/types";
import { useI18n } from "../i18n";
import { callHistoryIdOf, contactIdOf, conversationIdOf, followLink, inboxIdOf, ROUTES, routeHref } from "../router";
import { Icon, type IconName } from "../ui/Icon";
import { LanguageSelect } from "../ui/LanguageSelect";
import { AccountMenu } from "./AccountMenu";
import { StatusSelect } from "./StatusSelect";
import { useCallbacksBadge } from "../callbacks/useCallbacksBadge";

function isCurrent(item: string, route: string): boolean {
	if (item === ROUTES.home) return route === ROUTES.home || conversationIdOf(route) !== null;
	if (item === ROUTES.calls) return route === ROUTES.calls || callHistoryIdOf(route) !== null;
	if (item === ROUTES.contacts) return route === ROUTES.contacts || contactIdOf(route) !== null;
	if (item === ROUTES.inboxes) return route === ROUTES.inboxes || inboxIdOf(route) !== null;
	return route === item;
}

/** The signed-in frame: top bar (brand, language, account), left navigation, the page beside it. */
export function AppShell({
	agent,
	route,
	unread,
	calls,
	fullBleed,
	focusedView,
	children,
}: {
	agent: Agent;
	route: string;
	/** Unread conversations, shown on the Inbox link. */
	unread: number;
	/** Calls waiting now and missed since the Calls page was last opened, shown on the Calls link. */
	calls: { waiting: number; missed: number };
	/** The page manages its own columns and scrolling (the inbox). */
	fullBleed: boolean;
	/** On phones the open conversation takes the whole screen: no top bar or tab bar. */
	focusedView: boolean;
	children: ComponentChildren;
}) {
	const { t } = useI18n();
	const openCallbacks = useCallbacksBadge();
	const callsText = [
		calls.waiting > 0 ? t("nav.callsWaiting", { count: calls.waiting }) : null,
		calls.missed > 0 ? t("nav.callsMissed", { count: calls.missed }) : null,
	]
		.filter(Boolean)
		.join(", ");
	const navItems: Array<{ route: string; label: string; icon: IconName; badge: number; badgeText: string }> = [
		{ route: ROUTES.home, label: t("nav.inbox"), icon: "inbox", badge: unread, badgeText: t("nav.unread", { count: unread }) },
		{ route: ROUTES.calls, label: t("nav.calls"), icon: "phone", badge: calls.waiting + calls.missed, badgeText: callsText },
		{ route: ROUTES.callbacks, label: t("nav.callbacks"), icon: "phoneBack", badge: openCallbacks, badgeText: t("nav.callbacksOpen", { count: openCallbacks }) },
		{ route: ROUTES.canned, label: t("nav.canned"), icon: "reply", badge: 0, badgeText: "" },
		{ route: ROUTES.contacts, label: t("nav.contacts"), icon: "user", badge: 0, badgeText: "" },
		{ route: ROUTES.reports, label: t("nav.reports"), icon: "chart", badge: 0, badgeText: "" },
		...(agent.isAdmin
			? [
					{ route: ROUTES.team, label: t("nav.team"), icon: "users" as IconName, badge: 0, badgeText: "" },
					{ route: ROUTES.labels, label: t("nav.labels"), icon: "tag" as IconName, badge: 0, badgeText: "" },
					{ route: ROUTES.inboxes, label: t("nav.inboxes"), icon: "inbox" as IconName, badge: 0, badgeText: "" },
					{ route: ROUTES.audit, label: t("nav.audit"), icon: "list" as IconName, badge: 0, badgeText: "" },
					{ route: ROUTES.accessLog, label: t("nav.accessLog"), icon: "eye" as IconName, badge: 0, badgeText: "" },
					{ route: ROUTES.apiTokens, label: t("nav.apiTokens"), icon: "settings" as IconName, badge: 0, badgeText: "" },
					{ route: ROUTES.webhooks, label: t("nav.webhooks"), icon: "link" as IconName, badge: 0, badgeText: "" },
				]
			: []),
		{ route: ROUTES.settings, label: t("shell.settings"), icon: "settings", badge: 0, badgeText: "" },
	];
	const classes = ["app", fullBleed && "app-full-bleed", focusedView && "app-focused"].filter(Boolean).join(" ");
	return (
		<div class={classes}>
			<a class="skip-link" href="#main">
				{t("app.skipToContent")}
			</a>
			<header class="topbar">
				<a class="brand" href={routeHref(ROUTES.home)} onClick={(event) => followLink(event, ROUTES.home)}>
					<span class="brand-mark" aria-hidden="true" />
					{t("app.name")}
				</a>
				<div class="topbar-actions">
					<StatusSelect />
					<LanguageSelect />
					<AccountMenu agent={agent} />
				</div>
			</header>
			<nav class="sidenav" aria-label={t("shell.mainNav")}>
				<ul>
					{navItems.map((item) => (
						<li key={item.route}>
							<a
								href={routeHref(item.route)}
								aria-current={isCurrent(item.route, route) ? "page" : undefined}
								onClick={(event) => followLink(event, item.route)}
							>
								<Icon name={item.icon} />
								<span class="sidenav-label">{item.label}</span>
								{item.badge > 0 && (
									<span class="sidenav-badge">
										<span aria-hidden="true">{item.badge > 99 ? "99+" : item.badge}</span>
										<span class="visually-hidden">{item.badgeText}</span>
									</span>
								)}
							</a>
						</li>
					))}
				</ul>
			</nav>
			<main class="app-main" id="main" tabIndex={-1}>
				{children}
			</main>
		</div>
	);
}
