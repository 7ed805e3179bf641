import { useEffect, useState } from "preact/hooks";
import { logFailure } from "../../../shared/logFailure";
import type { Agent, TelegramLink } from "../api/types";
import { InputError } from "../errors/describeError";
import { useI18n } from "../i18n";
import { accountApi, session } from "../session/sessionStore";
import { Button } from "../ui/Button";
import { ErrorAlert, Notice } from "../ui/ErrorAlert";
import { TelegramLinkPanel } from "../ui/TelegramLinkPanel";
import { useAsyncAction } from "../ui/useAsyncAction";
import { StatusBadge } from "./StatusBadge";

/** Link or unlink the agent's Telegram account (codes and notifications). */
export function TelegramSettings({ agent, password }: { agent: Agent; password: string }) {
	const { t } = useI18n();
	const [link, setLink] = useState<TelegramLink | null>(null);
	const [stillNotLinked, setStillNotLinked] = useState(false);
	const action = useAsyncAction();
	// Unknown until the server says; a linked account keeps its Unlink button either way.
	const [available, setAvailable] = useState<boolean | null>(null);
	useEffect(() => {
		let current = true;
		accountApi
			.me()
			.then(({ features }) => {
				if (current) setAvailable(features.telegram);
			})
			.catch(logFailure("asking whether Telegram is available"));
		return () => {
			current = false;
		};
	}, []);

	async function createLink() {
		if (!password) return action.setError(new InputError("account.passwordNeeded"));
		const result = await action.run(() => accountApi.createTelegramLink(password));
		if (result) setLink(result.value);
	}

	async function checkLinked() {
		setStillNotLinked(false);
		const result = await action.run(session.reloadAgent);
		if (!result) return;
		if (result.value.telegramLinked) setLink(null);
		else setStillNotLinked(true);
	}

	async function unlink() {
		if (!password) return action.setError(new InputError("account.passwordNeeded"));
		if (await action.run(() => accountApi.unlinkTelegram(password))) await action.run(session.reloadAgent);
	}

	return (
		<div class="setting">
			<div class="setting-head">
				<h3 class="setting-title">{t("telegram.title")}</h3>
				<StatusBadge on={agent.telegramLinked}>
					{agent.telegramLinked ? t("telegram.linked") : t("telegram.notLinked")}
				</StatusBadge>
			</div>
			<p class="muted">{t("telegram.description")}</p>
			<ErrorAlert error={action.error} />
			{stillNotLinked && <Notice>{t("telegram.stillNotLinked")}</Notice>}
			{agent.telegramLinked ? (
				<div class="setting-actions">
					<Button variant="danger" busy={action.busy} onClick={unlink}>
						{t("telegram.unlink")}
					</Button>
				</div>
			) : available === false ? (
				<Notice>{t("telegram.unavailable")}</Notice>
			) : link ? (
				<>
					<TelegramLinkPanel link={link} />
					<div class="setting-actions">
						<Button variant="primary" busy={action.busy} onClick={checkLinked}>
							{t("telegram.checkAgain")}
						</Button>
						<Button onClick={() => setLink(null)}>{t("common.cancel")}</Button>
					</div>
				</>
			) : (
				<div class="setting-actions">
					<Button variant="primary" busy={action.busy} onClick={createLink}>
						{t("telegram.link")}
					</Button>
				</div>
			)}
		</div>
	);
}
