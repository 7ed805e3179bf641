import { I18nProvider } from "./i18n";
import { ROUTES, useRoute } from "./router";
import { SessionGate } from "./SessionGate";
import { SetupPage } from "./setup/SetupPage";

/** The console: first-run setup on its own page, everything else behind the session. */
export function App() {
	const route = useRoute();
	return <I18nProvider>{route === ROUTES.setup ? <SetupPage /> : <SessionGate route={route} />}</I18nProvider>;
}
