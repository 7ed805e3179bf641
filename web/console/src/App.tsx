import { I18nProvider } from "./i18n";
import { ROUTES, useRoute } from "./router";
import { SessionGate } from "./SessionGate";
import { SetupPage } from "./setup/SetupPage";
import { LinkPage } from "./team/LinkPage";

/** The console: first-run setup on its own page, everything else behind the session. */
export function App() {
	const route = useRoute();
	const page =
		route === ROUTES.setup ? (
			<SetupPage />
		) : route === ROUTES.invite || route === ROUTES.reset ? (
			<LinkPage purpose={route === ROUTES.invite ? "invite" : "password_reset"} />
		) : (
			<SessionGate route={route} />
		);
	return <I18nProvider>{page}</I18nProvider>;
}
