import type { WidgetPrivacyNotice } from "../protocol";
import { agreeToNotice } from "../chat/chatStore";
import { useI18n } from "../i18n";
import "../styles/privacy.css";

// Its words travel with this lazily loaded chunk, not in the frame's main bundle. The checkbox's
// English name, `I agree to the privacy notice`, is a contract (tests and site owners rely on it).
// Change the built-in notice (the first text) only together with PRIVACY_NOTICE_WORDING on the server.
const TEXT = {
	en: ["We use what you write here and the details you give us only to answer you.", "Privacy policy", "I agree to the privacy notice"],
	tr: ["Burada yazdıklarınızı ve bize verdiğiniz bilgileri yalnızca size yanıt vermek için kullanırız.", "Gizlilik politikası", "Gizlilik bildirimini kabul ediyorum"],
};

/**
 * The website's privacy notice above the composer before the first message: its text (the inbox's
 * own, else the built-in one), the privacy policy link (a new tab) and, when the inbox asks for
 * consent, the required checkbox; Send stays off until it is ticked (the server checks it too).
 */
export function PrivacyNotice({ notice, agreed }: { notice: WidgetPrivacyNotice; agreed: boolean }) {
	const { language } = useI18n();
	const [builtIn, policy, agree] = TEXT[language];
	return (
		<div class="privacy-notice">
			<p id="privacy-notice-text">
				{notice.text || builtIn}
				{notice.policyUrl && (
					<>
						{" "}
						<a href={notice.policyUrl} target="_blank" rel="noopener noreferrer">
							{policy}
						</a>
					</>
				)}
			</p>
			{notice.required && (
				<label>
					<input
						type="checkbox"
						required
						checked={agreed}
						aria-describedby="privacy-notice-text"
						onChange={(event) => agreeToNotice(event.currentTarget.checked ? notice.version : null)}
					/>
					{agree}
				</label>
			)}
		</div>
	);
}
