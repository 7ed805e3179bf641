import { useEffect } from "preact/hooks";
import { AccountPage } from "./account/AccountPage";
import type { Agent } from "./api/types";
import { useI18n } from "./i18n";
import { navigate, ROUTES, readRouteNotice } from "./router";
import { session } from "./session/sessionStore";
import { useSessionState } from "./session/useSession";
import { AppShell } from "./shell/AppShell";
import { SignInFlow } from "./signin/SignInFlow";

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

/** Pages of a signed-in agent; any other path lands on settings until the inbox takes "/". */
function SignedInConsole({ agent, route }: { agent: Agent; route: string }) {
	const { suggestLanguage } = useI18n();
	const knownRoute = route === ROUTES.settings;

	useEffect(() => {
		if (agent.language) suggestLanguage(agent.language);
	}, [agent.language, suggestLanguage]);

	useEffect(() => {
		if (!knownRoute) navigate(ROUTES.settings, { replace: true });
	}, [knownRoute]);

	return (
		<AppShell agent={agent} route={route}>
			{knownRoute && <AccountPage agent={agent} />}
		</AppShell>
	);
}

/** Resumes the cookie session on load, then shows sign-in or the signed-in console. */
export function SessionGate({ route }: { route: string }) {
	const state = useSessionState();

	useEffect(() => {
		void session.start();
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
