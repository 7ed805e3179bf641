import type { ComponentChildren } from "preact";
import type { Agent } from "../api/types";
import { useI18n } from "../i18n";
import { followLink, ROUTES, routeHref } from "../router";
import { LanguageSelect } from "../ui/LanguageSelect";
import { AccountMenu } from "./AccountMenu";

/** Pages in the main navigation; the inbox will join the settings page here. */
const NAV_ITEMS = [{ route: ROUTES.settings, label: "shell.settings" }] as const;

/** The signed-in frame: header with brand, navigation, language and account menu; the page below. */
export function AppShell({
	agent,
	route,
	children,
}: {
	agent: Agent;
	route: string;
	children: ComponentChildren;
}) {
	const { t } = useI18n();
	return (
		<div class="app">
			<a class="skip-link" href="#main">
				{t("app.skipToContent")}
			</a>
			<header class="topbar">
				<a class="brand" href={routeHref(ROUTES.home)} onClick={(event) => followLink(event, ROUTES.home)}>
					<span class="brand-mark" aria-hidden="true" />
					{t("app.name")}
				</a>
				<nav class="topnav" aria-label={t("shell.mainNav")}>
					<ul>
						{NAV_ITEMS.map((item) => (
							<li key={item.route}>
								<a
									href={routeHref(item.route)}
									aria-current={route === item.route ? "page" : undefined}
									onClick={(event) => followLink(event, item.route)}
								>
									{t(item.label)}
								</a>
							</li>
						))}
					</ul>
				</nav>
				<div class="topbar-actions">
					<LanguageSelect />
					<AccountMenu agent={agent} />
				</div>
			</header>
			<main class="app-main" id="main" tabIndex={-1}>
				{children}
			</main>
		</div>
	);
}
