import { I18nProvider } from "./i18n";
import { ROUTES, useRoute } from "./router";
import { SessionGate } from "./SessionGate";
import { lazyPage } from "./ui/lazyPage";

// Used once per install or per invite: not part of the everyday first load.
const SetupPage = lazyPage(() => import("./setup/SetupPage").then((m) => m.SetupPage));
const LinkPage = lazyPage(() => import("./team/LinkPage").then((m) => m.LinkPage));

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
