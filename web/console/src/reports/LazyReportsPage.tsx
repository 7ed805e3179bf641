import type { FunctionComponent } from "preact";
import { useEffect, useState } from "preact/hooks";
import { useI18n } from "../i18n";
import { logFailure } from "../../../shared/logFailure";

// The Reports page and its chart library (uPlot) are a chunk of their own, loaded when the page
// is first opened: the console's first load stays as light as before.
let loaded: FunctionComponent | null = null;

/** The Reports page, once its chunk has arrived. */
export function LazyReportsPage() {
	const { t } = useI18n();
	const [Page, setPage] = useState<FunctionComponent | null>(() => loaded);
	useEffect(() => {
		if (Page) return;
		import("./ReportsPage")
			.then((module) => {
				loaded = module.ReportsPage;
				setPage(() => module.ReportsPage);
			})
			.catch(logFailure("loading the Reports page"));
	}, [Page]);
	if (!Page) {
		return (
			<div class="page">
				<h1 class="page-title">{t("reports.title")}</h1>
				<p class="muted" role="status">
					{t("reports.loading")}
				</p>
			</div>
		);
	}
	return <Page />;
}
