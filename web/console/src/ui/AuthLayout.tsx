import type { ComponentChildren } from "preact";
import { useI18n } from "../i18n";
import { LanguageSelect } from "./LanguageSelect";

/** The centred card used by sign-in and setup: brand and language on top, one task below. */
export function AuthLayout({
	title,
	intro,
	children,
}: {
	title: string;
	intro?: string;
	children: ComponentChildren;
}) {
	const { t } = useI18n();
	return (
		<div class="auth-page">
			<header class="auth-header">
				<span class="brand">
					<span class="brand-mark" aria-hidden="true" />
					{t("app.name")}
				</span>
				<LanguageSelect />
			</header>
			<main class="auth-main" id="main">
				<div class="card auth-card">
					<h1 class="auth-title">
						{title}
					</h1>
					{intro && <p class="muted auth-intro">{intro}</p>}
					{children}
				</div>
			</main>
		</div>
	);
}
