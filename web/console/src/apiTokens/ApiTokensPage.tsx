import { useEffect, useId, useMemo, useState } from "preact/hooks";
import { API_SCOPES } from "../../../../src/protocol/apiScopes";
import { type ApiScope, type ApiTokenView, type CreatedApiToken, createApiTokensApi } from "../api/apiTokensApi";
import { useI18n } from "../i18n";
import { session } from "../session/sessionStore";
import { Button } from "../ui/Button";
import { CopyableText } from "../ui/CopyableText";
import { ErrorAlert, Notice } from "../ui/ErrorAlert";
import { formatDateTime } from "../ui/formatTime";
import { TextField } from "../ui/TextField";
import { useAsyncAction } from "../ui/useAsyncAction";
import { logFailure } from "../../../shared/logFailure";

type Api = ReturnType<typeof createApiTokensApi>;

/** The form of a new token: a name and scopes as checkboxes. */
function NewTokenForm({ api, onCreated, onCancel }: { api: Api; onCreated: (created: CreatedApiToken) => void; onCancel: () => void }) {
	const { t } = useI18n();
	const headingId = useId();
	const [name, setName] = useState("");
	const [scopes, setScopes] = useState<ApiScope[]>([]);
	const action = useAsyncAction();
	const submit = async (event: Event) => {
		event.preventDefault();
		if (scopes.length === 0) return action.setError(new Error(t("apiTokens.noScope")));
		const result = await action.run(() => api.create({ name: name.trim(), scopes }));
		if (result) onCreated(result.value);
	};
	const toggle = (scope: ApiScope, on: boolean) => setScopes((current) => (on ? [...current, scope] : current.filter((s) => s !== scope)));
	return (
		<form class="card record-card api-token-form" aria-labelledby={headingId} onSubmit={(event) => submit(event).catch(logFailure("creating an API token"))}>
			<h2 id={headingId}>{t("apiTokens.formTitle")}</h2>
			<TextField label={t("apiTokens.name")} hint={t("apiTokens.nameHint")} value={name} onValue={setName} required focusOnMount />
			<fieldset class="api-token-scopes">
				<legend>{t("apiTokens.scopes")}</legend>
				{API_SCOPES.map((scope) => (
					<label key={scope} class="checkbox">
						<input type="checkbox" checked={scopes.includes(scope)} onChange={(event) => toggle(scope, event.currentTarget.checked)} />
						<code>{scope}</code>
					</label>
				))}
			</fieldset>
			<ErrorAlert error={action.error} />
			<div class="action-row">
				<Button type="submit" variant="primary" busy={action.busy}>
					{t("apiTokens.create")}
				</Button>
				<Button onClick={onCancel}>{t("apiTokens.cancel")}</Button>
			</div>
		</form>
	);
}

/** One token: its name, scopes, last four characters, times, and Revoke (asked once more). */
function TokenItem({ token, api, onRevoked }: { token: ApiTokenView; api: Api; onRevoked: (token: ApiTokenView) => void }) {
	const { t, language } = useI18n();
	const nameId = useId();
	const [confirming, setConfirming] = useState(false);
	const revoking = useAsyncAction();
	const revoke = async () => {
		const result = await revoking.run(() => api.revoke(token.id));
		if (result) onRevoked(result.value);
	};
	const when = (iso: string) => formatDateTime(iso, language);
	return (
		<li class={`record-item api-token${token.revokedAt ? " api-token-revoked" : ""}`}>
			<div class="record-head api-token-head">
				<strong id={nameId}>{token.name}</strong>
				<span class="muted">{t("apiTokens.endsWith", { lastFour: token.lastFour })}</span>
				{!token.revokedAt && !confirming && (
					<button type="button" class="button button-danger" aria-describedby={nameId} onClick={() => setConfirming(true)}>
						{t("apiTokens.revoke")}
					</button>
				)}
			</div>
			<p class="api-token-scope-list">
				{token.scopes.map((scope) => (
					<code key={scope}>{scope}</code>
				))}
			</p>
			<p class="muted">
				{t("apiTokens.createdBy", { when: when(token.createdAt), name: token.createdBy.name ?? "—" })} ·{" "}
				{token.lastUsedAt ? t("apiTokens.lastUsed", { when: when(token.lastUsedAt) }) : t("apiTokens.neverUsed")}
				{token.revokedAt && ` · ${t("apiTokens.revokedAt", { when: when(token.revokedAt) })}`}
			</p>
			{confirming && (
				<div class="action-row record-confirm">
					<p>{t("apiTokens.confirmRevoke", { name: token.name })}</p>
					<Button variant="danger" busy={revoking.busy} onClick={() => revoke().catch(logFailure("revoking an API token"))}>
						{t("apiTokens.confirmRevokeYes")}
					</Button>
					<Button onClick={() => setConfirming(false)}>{t("apiTokens.cancel")}</Button>
					<ErrorAlert error={revoking.error} />
				</div>
			)}
		</li>
	);
}

/** The API tokens page (admins): the tokens, a form for a new one, and the new secret shown once. */
export function ApiTokensPage() {
	const { t } = useI18n();
	const api = useMemo(() => createApiTokensApi(session.request), []);
	const [tokens, setTokens] = useState<ApiTokenView[] | null>(null);
	const [creating, setCreating] = useState(false);
	const [created, setCreated] = useState<CreatedApiToken | null>(null);
	const [notice, setNotice] = useState<string | null>(null);
	const loading = useAsyncAction();
	const reload = async () => {
		const result = await loading.run(() => api.list());
		if (result) setTokens(result.value);
	};
	useEffect(() => {
		reload().catch(logFailure("loading API tokens"));
	}, []);

	return (
		<div class="page page-wide api-tokens-page">
			<h1 class="page-title">{t("apiTokens.title")}</h1>
			<p class="muted">
				{t("apiTokens.intro")} <a href="/api/docs">{t("apiTokens.docs")}</a>
			</p>
			{!creating && !created && (
				<div class="labels-toolbar">
					<Button
						variant="primary"
						onClick={() => {
							setNotice(null);
							setCreating(true);
						}}
					>
						{t("apiTokens.new")}
					</Button>
				</div>
			)}
			{creating && (
				<NewTokenForm
					api={api}
					onCancel={() => setCreating(false)}
					onCreated={(result) => {
						setCreating(false);
						setCreated(result);
						reload().catch(logFailure("loading API tokens"));
					}}
				/>
			)}
			{created && (
				<section class="card record-card api-token-created" aria-label={t("apiTokens.createdTitle", { name: created.apiToken.name })}>
					<h2>{t("apiTokens.createdTitle", { name: created.apiToken.name })}</h2>
					<p>{t("apiTokens.createdHint")}</p>
					<CopyableText label={t("apiTokens.token")} value={created.token} />
					<Button variant="primary" onClick={() => setCreated(null)}>
						{t("apiTokens.done")}
					</Button>
				</section>
			)}
			{notice && <Notice>{notice}</Notice>}
			<ErrorAlert error={loading.error} />
			{tokens === null ? (
				<p class="muted" role="status">
					{t("apiTokens.loading")}
				</p>
			) : tokens.length === 0 ? (
				<p class="muted">{t("apiTokens.empty")}</p>
			) : (
				<ul class="record-list" aria-label={t("apiTokens.list")}>
					{tokens.map((token) => (
						<TokenItem
							key={token.id}
							token={token}
							api={api}
							onRevoked={(revoked) => {
								setNotice(t("apiTokens.revoked", { name: revoked.name }));
								setTokens((current) => current?.map((x) => (x.id === revoked.id ? revoked : x)) ?? null);
							}}
						/>
					))}
				</ul>
			)}
		</div>
	);
}
