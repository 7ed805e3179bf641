import { useId } from "preact/hooks";
import type { ContactDetail } from "../api/contactsApi";
import { useI18n } from "../i18n";
import { MessagePreview } from "../inbox/MessagePreview";
import { callHistoryRoute, conversationRoute, followLink, routeHref } from "../router";
import { formatDateTime, formatDuration } from "../ui/formatTime";

/** The contact's conversations across devices, newest first; each opens in the inbox. */
export function ContactConversations({ contact }: { contact: ContactDetail }) {
	const { t, language } = useI18n();
	const headingId = useId();
	return (
		<section class="card contact-section" aria-labelledby={headingId}>
			<h2 id={headingId}>{t("contact.conversations")}</h2>
			{contact.conversations.length === 0 ? (
				<p class="muted">{t("contact.noConversations")}</p>
			) : (
				<ul class="history-items contact-conversations" aria-labelledby={headingId}>
					{contact.conversations.map((entry) => {
						const route = conversationRoute(entry.id);
						return (
							<li key={entry.id}>
								<a class="history-item" href={routeHref(route)} onClick={(event) => followLink(event, route)}>
									<span class="history-item-top">
										<span class={`status-badge status-${entry.status}`}>{t(`status.${entry.status}`)}</span>
										<time dateTime={entry.lastMessageAt}>{formatDateTime(entry.lastMessageAt, language)}</time>
									</span>
									<span class="history-item-preview">
										{entry.lastMessage === null ? t("list.noMessages") : <MessagePreview body={entry.lastMessage} attachment={entry.lastAttachment} />}
									</span>
								</a>
							</li>
						);
					})}
				</ul>
			)}
		</section>
	);
}

/** The contact's calls with the recording consent each gave, and their ratings. */
export function ContactCallsAndRatings({ contact }: { contact: ContactDetail }) {
	const { t, language } = useI18n();
	const callsId = useId();
	const ratingsId = useId();
	return (
		<>
			<section class="card contact-section" aria-labelledby={callsId}>
				<h2 id={callsId}>{t("contact.calls")}</h2>
				{contact.calls.length === 0 ? (
					<p class="muted">{t("contact.noCalls")}</p>
				) : (
					<ul class="contact-calls" aria-labelledby={callsId}>
						{contact.calls.map((call) => {
							const route = callHistoryRoute(call.id);
							return (
								<li key={call.id}>
									<a href={routeHref(route)} onClick={(event) => followLink(event, route)}>
										{t("contact.callLine", { media: t(`contact.media.${call.media}`), status: t(`contact.callStatus.${call.status}`) })}
									</a>{" "}
									<time dateTime={call.createdAt}>{formatDateTime(call.createdAt, language)}</time>
									{call.durationMs !== null && <span class="muted"> · {formatDuration(call.durationMs)}</span>}
									{call.agentName && <span class="muted"> · {t("contact.callAgent", { name: call.agentName })}</span>}
									{call.consent && (
										<p class="contact-consent">
											{t("contact.consent", {
												mode: t(`contact.consentMode.${call.consent.mode}`),
												when: formatDateTime(call.consent.at, language),
												version: call.consent.version,
											})}
										</p>
									)}
								</li>
							);
						})}
					</ul>
				)}
			</section>
			{contact.ratings.length > 0 && (
				<section class="card contact-section" aria-labelledby={ratingsId}>
					<h2 id={ratingsId}>{t("contact.ratings")}</h2>
					<ul class="rating-list" aria-labelledby={ratingsId}>
						{contact.ratings.map((rating) => (
							<li key={`${rating.conversationId}-${rating.updatedAt}`}>
								<span class="rating-score">{t("details.rating", { score: String(rating.score) })}</span>{" "}
								<time dateTime={rating.updatedAt}>{formatDateTime(rating.updatedAt, language)}</time>
								{rating.comment && <q class="timeline-comment"> {rating.comment}</q>}
							</li>
						))}
					</ul>
				</section>
			)}
		</>
	);
}

/**
 * The contact's consent records, newest first: each privacy notice agreed to before a chat and
 * each recording consent given before a call (with a link to that call), with version and time.
 */
export function ContactConsents({ contact }: { contact: ContactDetail }) {
	const { t, language } = useI18n();
	const headingId = useId();
	return (
		<section class="card contact-section" aria-labelledby={headingId}>
			<h2 id={headingId}>{t("contact.consents")}</h2>
			{contact.consents.length === 0 ? (
				<p class="muted">{t("contact.noConsents")}</p>
			) : (
				<ul class="contact-calls contact-consents" aria-labelledby={headingId}>
					{contact.consents.map((consent) => {
						const route = consent.callId ? callHistoryRoute(consent.callId) : null;
						return (
							<li key={`${consent.kind}-${consent.callId ?? consent.inboxId}-${consent.version}`}>
								<strong>{t(`contact.consentKind.${consent.kind}`)}</strong>
								{consent.mode && <span> ({t(`contact.consentMode.${consent.mode}`)})</span>}{" "}
								<time dateTime={consent.at}>{formatDateTime(consent.at, language)}</time>
								<span class="muted"> · {t("contact.consentVersion", { version: consent.version })}</span>
								{consent.policyUrl && (
									<>
										{" · "}
										<a href={consent.policyUrl} target="_blank" rel="noopener noreferrer">
											{t("contact.consentPolicy")}
										</a>
									</>
								)}
								{route && (
									<>
										{" · "}
										<a href={routeHref(route)} onClick={(event) => followLink(event, route)}>
											{t("contact.consentCall")}
										</a>
									</>
								)}
							</li>
						);
					})}
				</ul>
			)}
		</section>
	);
}
