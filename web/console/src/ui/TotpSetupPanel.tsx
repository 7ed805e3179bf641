import type { TotpEnrollment } from "../api/types";
import { useI18n } from "../i18n";
import { CopyableText } from "./CopyableText";

/** "JBSWY3DPEHPK3PXP" → "JBSW Y3DP EHPK 3PXP", easier to type into an app by hand. */
function groupsOfFour(secret: string): string {
	return secret.replace(/(.{4})(?=.)/g, "$1 ");
}

/** QR code and setup key for adding destek to an authenticator app. */
export function TotpSetupPanel({ enrollment }: { enrollment: TotpEnrollment }) {
	const { t } = useI18n();
	// Only an inline image is expected here; anything else is not rendered as an image source.
	const hasQrImage = enrollment.qr.startsWith("data:image/");
	// On a phone the QR code cannot be scanned by the same phone; the otpauth link opens the app.
	const hasAppLink = enrollment.uri.startsWith("otpauth://");
	return (
		<div class="stack">
			<p>{t("totp.scan")}</p>
			{hasQrImage && (
				<div class="qr-frame">
					<img class="qr-image" src={enrollment.qr} alt={t("totp.qrAlt")} width={192} height={192} />
				</div>
			)}
			{hasAppLink && (
				<a class="app-link" href={enrollment.uri}>
					{t("totp.openInApp")}
				</a>
			)}
			<CopyableText
				label={t("totp.secretLabel")}
				value={enrollment.secret}
				displayValue={groupsOfFour(enrollment.secret)}
			/>
		</div>
	);
}
