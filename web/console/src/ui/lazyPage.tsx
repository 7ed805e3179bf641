import { type ComponentType, h } from "preact";
import { useEffect, useState } from "preact/hooks";
import { logFailure } from "../../../shared/logFailure";
import { useI18n } from "../i18n";

/**
 * A page whose code loads the first time it is shown: the console's first load carries only the
 * inbox, and each settings or history page comes as a chunk of its own (`npm run bench -- console`).
 * A chunk that fails to load (the server was updated and the old chunk is gone, or the network
 * dropped) says so with a reload button instead of leaving the page blank.
 */
export function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
	let page: ComponentType<P> | null = null;
	let loading: Promise<ComponentType<P>> | null = null;
	const start = () => {
		loading ??= load().then((loaded) => {
			page = loaded;
			return loaded;
		});
		return loading;
	};
	return function LazyPage(props: P) {
		const { t } = useI18n();
		const [, setLoaded] = useState(page !== null);
		const [failed, setFailed] = useState(false);
		useEffect(() => {
			if (page) return;
			start().then(
				() => setLoaded(true),
				(error: unknown) => {
					loading = null;
					setFailed(true);
					logFailure("loading a console page")(error);
				},
			);
		}, []);
		if (page) return h(page, props);
		if (failed) {
			return (
				<div class="page-load-failed" role="alert">
					<p>{t("app.pageLoadFailed")}</p>
					<button type="button" onClick={() => location.reload()}>
						{t("app.reload")}
					</button>
				</div>
			);
		}
		return (
			<p class="muted page-loading" role="status">
				{t("app.loading")}
			</p>
		);
	};
}
