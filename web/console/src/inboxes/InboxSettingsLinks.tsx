import { useId } from "preact/hooks";
import { useI18n } from "../i18n";
import { followLink, inboxHoursRoute, inboxSettingsRoute, routeHref } from "../router";
import type { InboxSectionProps } from "./inboxSections";

/** Where this website's own settings are edited: the widget's look and calls, and its business hours. */
export function InboxSettingsLinks({ inbox }: InboxSectionProps) {
	const { t } = useI18n();
	const headingId = useId();
	const links = [
		{ route: inboxSettingsRoute(inbox.id), label: t("settings.inboxLink") },
		{ route: inboxHoursRoute(inbox.id), label: t("hours.title") },
	];
	return (
		<section class="card" aria-labelledby={headingId}>
			<h2 id={headingId}>{t("inboxes.settingsSection")}</h2>
			<ul class="link-list">
				{links.map(({ route, label }) => (
					<li key={route}>
						<a href={routeHref(route)} onClick={(event) => followLink(event, route)}>
							{label}
						</a>
					</li>
				))}
			</ul>
		</section>
	);
}
