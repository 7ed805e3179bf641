import { useEffect, useState } from "preact/hooks";
import type { IdentitySettings as Settings } from "../../../../src/protocol/identity";
import { useI18n } from "../i18n";
import { accountApi } from "../session/sessionStore";
import { CopyableText } from "../ui/CopyableText";
import { ErrorAlert } from "../ui/ErrorAlert";
import { useAsyncAction } from "../ui/useAsyncAction";
import { logFailure } from "../../../shared/logFailure";

const SERVER_EXAMPLE = `const { createHmac } = require("node:crypto");
const userHash = createHmac("sha256", process.env.DESTEK_IDENTITY_SECRET)
  .update(String(user.id))
  .digest("hex");`;

const PAGE_EXAMPLE = `<script src="${location.origin}/widget.js" async
  data-user-id="42" data-user-name="Ayşe Yılmaz"
  data-user-email="ayse@example.com" data-user-hash="<userHash>"></script>`;

/** Admins only: the identity secret a site signs its signed-in users' ids with, and how to use it. */
export function IdentitySettings() {
	const { t } = useI18n();
	const [settings, setSettings] = useState<Settings | null>(null);
	const action = useAsyncAction();

	useEffect(() => {
		action
			.run(accountApi.identitySettings)
			.then((result) => result && setSettings(result.value))
			.catch(logFailure("loading the identity secret"));
	}, []);

	return (
		<section class="card" aria-labelledby="identity-heading">
			<h2 id="identity-heading">{t("identity.title")}</h2>
			<p class="muted">{t("identity.intro")}</p>
			<ErrorAlert error={action.error} />
			{settings && (
				<div class="stack">
					<CopyableText label={t("identity.secret")} value={settings.secret} />
					<p class="muted">{settings.required ? t("identity.required") : t("identity.optional")}</p>
					<h3 class="setting-title">{t("identity.serverExample")}</h3>
					<pre class="code-example">
						<code>{SERVER_EXAMPLE}</code>
					</pre>
					<h3 class="setting-title">{t("identity.pageExample")}</h3>
					<pre class="code-example">
						<code>{PAGE_EXAMPLE}</code>
					</pre>
				</div>
			)}
		</section>
	);
}
