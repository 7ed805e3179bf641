import { render } from "preact";
import { applyAccent } from "./accentTheme";
import { startChat } from "./chat/startChat";
import { frameOptions } from "./frameOptions";
import { startHostBridge } from "./host/hostBridge";
import { I18nProvider, loadDictionary } from "./i18n";
import { initStorage } from "./safeStorage";
import { ChatWidget } from "./ui/ChatWidget";
import { adoptSiteIdentity, hasVisitorToken } from "./visitorIdentity";
import { loadWidgetConfig } from "./widgetConfig";
import "./styles/theme.css";
import "./styles/widget.css";
import "./styles/form.css";
import "./styles/messages.css";
import "./styles/composer.css";
import { logFailure } from "../../../shared/logFailure";

async function boot(): Promise<void> {
	applyAccent(frameOptions.color);
	// The bridge first: the loader answers its "ready" with the stored data initStorage waits for.
	startHostBridge();
	// The config settles the language (the inbox's offered ones) before its dictionary loads.
	await Promise.all([initStorage(), loadWidgetConfig().then(loadDictionary)]);
	document.documentElement.lang = frameOptions.language;
	adoptSiteIdentity();

	// Asked before startChat creates the token: only a returning visitor can have history to show.
	const returningVisitor = hasVisitorToken();
	startChat(frameOptions.language);

	const root = document.getElementById("app");
	if (root) {
		render(
			<I18nProvider>
				<ChatWidget returningVisitor={returningVisitor} />
			</I18nProvider>,
			root,
		);
	}
}

boot().catch(logFailure("starting the widget"));
