import type { ComponentChildren } from "preact";
import { useEffect, useId, useState } from "preact/hooks";
import type { ConversationDetails } from "../api/inboxTypes";
import { useI18n } from "../i18n";
import { useInbox } from "../inbox/InboxContext";
import { VerifiedBadge } from "../inbox/VerifiedBadge";
import { initials, visitorName } from "../inbox/visitorName";
import { useStore } from "../state/store";
import { ErrorAlert } from "../ui/ErrorAlert";
import { formatDateTime, formatSince } from "../ui/formatTime";
import { Icon } from "../ui/Icon";
import { contactRoute, followLink, routeHref } from "../router";
import { describeUserAgent } from "./describeUserAgent";
import { VisitorHistory } from "./VisitorHistory";
import { VisitorRatings } from "./VisitorRatings";

/** Only web pages become links; anything else the visitor's browser reported stays text. */
function isWebUrl(value: string): boolean {
	try {
		return ["http:", "https:"].includes(new URL(value).protocol);
	} catch {
		return false;
	}
}

function languageName(code: string, uiLanguage: string): string {
	try {
		return new Intl.DisplayNames([uiLanguage], { type: "language" }).of(code) ?? code;
	} catch {
		return code;
	}
}

function Fact({ label, children }: { label: string; children: ComponentChildren }) {
	return (
		<div class="fact">
			<dt>{label}</dt>
			<dd>{children}</dd>
		</div>
	);
}

/** How long ago, refreshed every half minute so it never goes stale while the panel is open. */
function LastSeen({ iso }: { iso: string }) {
	const { language } = useI18n();
	const [now, setNow] = useState(Date.now());
	useEffect(() => {
		setNow(Date.now());
		const timer = setInterval(() => setNow(Date.now()), 30_000);
		return () => clearInterval(timer);
	}, [iso]);
	return (
		<time class="last-seen" dateTime={iso} title={formatDateTime(iso, language)}>
			{formatSince(iso, language, now)}
		</time>
	);
}

function VisitorFacts({ details }: { details: ConversationDetails }) {
	const { t, language } = useI18n();
	const { visitor } = details;
	const browser = visitor.userAgent ? describeUserAgent(visitor.userAgent) : null;
	return (
		<dl class="facts">
			{visitor.email && (
				<Fact label={t("details.email")}>
					<a href={`mailto:${visitor.email}`}>{visitor.email}</a>
				</Fact>
			)}
			{visitor.phone && (
				<Fact label={t("details.phone")}>
					<a href={`tel:${visitor.phone.replace(/[^\d+]/g, "")}`}>{visitor.phone}</a>
				</Fact>
			)}
			{visitor.pageUrl && (
				<Fact label={t("details.page")}>
					{isWebUrl(visitor.pageUrl) ? (
						<a href={visitor.pageUrl} target="_blank" rel="noopener noreferrer" title={visitor.pageUrl}>
							{visitor.pageTitle || visitor.pageUrl}
							<span class="visually-hidden"> {t("common.opensInNewTab")}</span>
						</a>
					) : (
						visitor.pageTitle || visitor.pageUrl
					)}
				</Fact>
			)}
			{visitor.language && <Fact label={t("details.language")}>{languageName(visitor.language, language)}</Fact>}
			{visitor.userAgent && (
				<Fact label={t("details.browser")}>
					<span title={visitor.userAgent}>{browser ?? visitor.userAgent}</span>
				</Fact>
			)}
			<Fact label={t("details.firstSeen")}>{formatDateTime(visitor.firstSeenAt, language)}</Fact>
			<Fact label={t("details.lastSeen")}>
				<LastSeen iso={visitor.lastSeenAt} />
			</Fact>
		</dl>
	);
}

/** The visitor column: who they are, where they are, and their other conversations. */
export function VisitorDetailsPanel({ onClose }: { onClose: () => void }) {
	const { t } = useI18n();
	const inbox = useInbox();
	const headingId = useId();
	const details = useStore(inbox.conversation, (state) => state.details);
	const error = useStore(inbox.conversation, (state) => state.detailsError);
	const name = details ? visitorName(details.visitor, t) : "";
	return (
		<section class="details-panel" aria-labelledby={headingId}>
			<header class="details-header">
				<h2 id={headingId}>{t("details.title")}</h2>
				<button type="button" class="icon-button details-close" onClick={onClose} aria-label={t("details.close")}>
					<Icon name="close" />
				</button>
			</header>
			{/* biome-ignore lint/a11y/noNoninteractiveTabindex: a long history must scroll with the keyboard. */}
			<div class="details-scroll" tabIndex={0}>
				<ErrorAlert error={error} />
				{!details && !error && <p class="muted">{t("app.loading")}</p>}
				{details && (
					<>
						<div class="visitor-card">
							<span class="avatar avatar-large" aria-hidden="true">
								{details.visitor.name ? initials(name) : <Icon name="user" />}
							</span>
							<p class="visitor-card-name">
								{name}
								{details.conversation.visitor.verified && <VerifiedBadge />}
							</p>
						</div>
						<a
							class="contact-link"
							href={routeHref(contactRoute(details.visitor.id))}
							onClick={(event) => followLink(event, contactRoute(details.visitor.id))}
						>
							{t("contact.open")}
						</a>
						<VisitorFacts details={details} />
						<VisitorRatings ratings={details.ratings} conversationId={details.conversation.id} />
						<VisitorHistory history={details.history} />
					</>
				)}
			</div>
		</section>
	);
}
