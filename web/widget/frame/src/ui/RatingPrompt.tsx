import { useState } from "preact/hooks";
import { rateConversation } from "../chat/chatStore";
import { useI18n } from "../i18n";
import "../styles/rating.css";

/**
 * Shown under a resolved conversation: "How was your conversation?" with five stars, buttons named
 * Rate 1 … Rate 5 in every language (the names the issue fixes). A star sends at once; the optional
 * comment is sent with the score again (rating again replaces it). Small: the frame has a size budget.
 */
// Its words travel with this lazily loaded chunk, not in the frame's main bundle.
const TEXT = {
	en: ["This conversation was resolved.", "How was your conversation?", "Comment (optional)", "Thank you for your rating!"],
	tr: ["Bu sohbet çözüldü.", "Sohbetiniz nasıldı?", "Yorum (isteğe bağlı)", "Puanınız için teşekkürler!"],
};

export function RatingPrompt({ conversationId }: { conversationId: string }) {
	const { t, language } = useI18n();
	const [resolvedText, question, commentLabel, thanks] = TEXT[language];
	const [score, setScore] = useState(0);
	const [comment, setComment] = useState("");
	// null: nothing sent yet or sent fine; "thanks" after the comment; "error" when the server refused.
	const [note, setNote] = useState<"thanks" | "error" | null>(null);

	const send = (value: number, thanks: boolean) => {
		setScore(value);
		rateConversation(conversationId, value, comment).then((error) => setNote(error ? "error" : thanks ? "thanks" : null));
	};

	return (
		<section class="rating">
			<p>{resolvedText}</p>
			{note === "thanks" ? (
				<p role="status">{thanks}</p>
			) : (
				<>
					<p>{question}</p>
					<div class="stars">
						{[1, 2, 3, 4, 5].map((value) => (
							<button key={value} type="button" aria-label={`Rate ${value}`} aria-pressed={value === score} class="star" onClick={() => send(value, false)}>
								★
							</button>
						))}
					</div>
					{score > 0 && (
						<form
							class="composer"
							onSubmit={(event) => {
								event.preventDefault();
								send(score, true);
							}}
						>
							<textarea aria-label={commentLabel} maxLength={1000} value={comment} onInput={(event) => setComment(event.currentTarget.value)} />
							<button type="submit">{t("composer.send")}</button>
						</form>
					)}
					{note === "error" && <p role="alert">{t("error.unknown")}</p>}
				</>
			)}
		</section>
	);
}
