import { useState } from "preact/hooks";
import { useI18n } from "../i18n";
import { Button } from "./Button";

/** The ten recovery codes as a list, and one button that copies them all. */
export function RecoveryCodeList({ codes }: { codes: string[] }) {
	const { t } = useI18n();
	const [copied, setCopied] = useState(false);
	const copy = () => {
		navigator.clipboard.writeText(codes.join("\n")).then(
			() => setCopied(true),
			// Clipboard access can be denied: the codes stay on screen to write down or select.
			() => setCopied(false),
		);
	};
	return (
		<div class="stack">
			<ol class="recovery-codes" aria-label={t("recovery.list")}>
				{codes.map((code) => (
					<li key={code}>
						<code>{code}</code>
					</li>
				))}
			</ol>
			<Button onClick={copy}>{copied ? t("common.copied") : t("recovery.copyAll")}</Button>
		</div>
	);
}
