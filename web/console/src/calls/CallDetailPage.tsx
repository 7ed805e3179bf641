import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { CallHistoryEntry, CallsApi, RecordingView } from "../api/callsApi";
import { useI18n } from "../i18n";
import { useInbox } from "../inbox/InboxContext";
import { accessLogOfCall, followLink, ROUTES, routeHref } from "../router";
import { session } from "../session/sessionStore";
import { useStore } from "../state/store";
import { ErrorAlert } from "../ui/ErrorAlert";
import { formatFileSize } from "../ui/formatTime";
import { Icon } from "../ui/Icon";
import { useAsyncAction } from "../ui/useAsyncAction";
import type { CallHistoryStore } from "./callHistoryStore";
import { formatDuration } from "../../../shared/call/callPeer";
import { callDurationMs, describeEndReason, formatCallStart } from "./describeCall";
import { logFailure } from "../../../shared/logFailure";

function Fact({ label, children }: { label: string; children: ComponentChildren }) {
	return (
		<div>
			<dt>{label}</dt>
			<dd>{children}</dd>
		</div>
	);
}

/**
 * One recording with the browser's own player (keyboard-usable, with seeking over HTTP ranges).
 * Nothing loads before the agent presses play (preload none): each play is in the access log, and
 * merely opening the call's page is not a play. The length comes from the server meanwhile.
 * A link that expired while the page stayed open is renewed once by reloading the call.
 */
function Recording({ recording, onExpired }: { recording: RecordingView; onExpired: () => void }) {
	const { t, language } = useI18n();
	const [failed, setFailed] = useState(false);
	const label = t(`callDetail.role.${recording.role}`);
	const headingId = `recording-${recording.id}`;
	const video = recording.mime.startsWith("video/");
	const meta = [
		formatFileSize(recording.size, language),
		recording.durationMs === null ? t("callDetail.unknownLength") : formatDuration(recording.durationMs),
	].join(" · ");
	const onError = () => {
		setFailed(true);
		onExpired();
	};
	return (
		<section class="recording" aria-labelledby={headingId}>
			<div class="recording-head">
				<h3 id={headingId}>{label}</h3>
				<span class="muted">{meta}</span>
			</div>
			{video ? (
				// biome-ignore lint/a11y/useMediaCaption: call recordings have no captions to offer.
				<video class="recording-player" controls preload="none" src={recording.url} aria-labelledby={headingId} onError={onError} />
			) : (
				// biome-ignore lint/a11y/useMediaCaption: call recordings have no captions to offer.
				<audio class="recording-player" controls preload="none" src={recording.url} aria-labelledby={headingId} onError={onError} />
			)}
			{failed && <p class="muted">{t("callDetail.playbackFailed")}</p>}
			{/* The server names the file (call-<date>-<role>.webm) in its content-disposition; download=1 logs it as a download. */}
			<a class="recording-download" href={`${recording.url}&download=1`} download aria-label={t("callDetail.downloadNamed", { name: label })}>
				{t("callDetail.download")}
			</a>
		</section>
	);
}

/** One call: who, when, how long, why it ended, and its recordings to play. */
export function CallDetailPage({ callId, api, history, isAdmin = false }: { callId: string; api: CallsApi; history: CallHistoryStore; isAdmin?: boolean }) {
	const { t } = useI18n();
	const [call, setCall] = useState<CallHistoryEntry | null>(null);
	const load = useAsyncAction();
	const { run } = load;
	const heading = useRef<HTMLHeadingElement>(null);
	const renewed = useRef(false);
	const inbox = useInbox();
	const team = useStore(inbox.team, (s) => s.agents);

	useEffect(() => {
		inbox.loadTeam().catch(() => {});
	}, [inbox]);

	useEffect(() => {
		history.opened(callId);
		setCall(null);
		renewed.current = false;
		run(() => api.call(callId)).then((result) => {
			if (result) setCall(result.value.call);
		}, logFailure("loading the call"));
	}, [api, callId, history, run]);

	// Keyboard and screen reader users land on the new page's heading.
	useEffect(() => {
		if (call) heading.current?.focus();
	}, [call?.id]);

	// A link expires, or the browser lacks the media-session cookie its link is bound to (a console
	// opened before it was set): refreshing the session sets the cookie, then the call brings new links.
	const renewLinks = () => {
		if (renewed.current) return;
		renewed.current = true;
		session
			.refresh()
			.then(() => api.call(callId))
			.then(({ call: fresh }) => setCall(fresh), () => {});
	};

	const back = (
		<a class="back-link" href={routeHref(ROUTES.calls)} onClick={(event) => followLink(event, ROUTES.calls)}>
			<Icon name="back" />
			{t("callDetail.back")}
		</a>
	);
	if (!call) {
		return (
			<div class="page page-wide calls-page">
				{back}
				<ErrorAlert error={load.error} />
				{!load.error && (
					<p class="muted" role="status">
						{t("app.loading")}
					</p>
				)}
			</div>
		);
	}

	const none = t("callsPage.none");
	const duration = callDurationMs(call, Date.now());
	return (
		<div class="page page-wide calls-page">
			{back}
			<h1 class="page-title" ref={heading} tabIndex={-1}>
				{t("callDetail.title", { name: call.visitor.name })}
			</h1>
			{isAdmin && (
				<p>
					<a
						href={routeHref(accessLogOfCall(call.id))}
						aria-label={t("accessLog.ofCallNamed", { name: call.visitor.name })}
						onClick={(event) => followLink(event, accessLogOfCall(call.id))}
					>
						{t("accessLog.ofCall")}
					</a>
				</p>
			)}
			<section class="card" aria-labelledby="call-facts-heading">
				<h2 id="call-facts-heading">{t("callDetail.facts")}</h2>
				<dl class="details">
					<Fact label={t("callDetail.caller")}>{call.visitor.name}</Fact>
					<Fact label={t("callDetail.agent")}>{call.agent?.name ?? none}</Fact>
					<Fact label={t("callDetail.status")}>{t(`callStatus.${call.status}`)}</Fact>
					<Fact label={t("callDetail.type")}>{t(call.media === "video" ? "calls.video" : "calls.audio")}</Fact>
					<Fact label={t("callDetail.recordingMode")}>{t(`recordingMode.${call.recording}`)}</Fact>
					<Fact label={t("callDetail.consent")}>
						{call.consent ? (
							<>
								{t("callDetail.consentGiven", { mode: t(`recordingMode.${call.consent.mode}`), version: call.consent.version })}{" "}
								<time dateTime={call.consent.at}>{formatCallStart(call.consent.at)}</time>
							</>
						) : (
							t(call.recording === "off" ? "callDetail.consentNotNeeded" : "callDetail.consentMissing")
						)}
					</Fact>
					<Fact label={t("callDetail.started")}>
						<time dateTime={call.createdAt}>{formatCallStart(call.createdAt)}</time>
					</Fact>
					<Fact label={t("callDetail.answered")}>
						{call.answeredAt ? <time dateTime={call.answeredAt}>{formatCallStart(call.answeredAt)}</time> : none}
					</Fact>
					<Fact label={t("callDetail.ended")}>
						{call.endedAt ? <time dateTime={call.endedAt}>{formatCallStart(call.endedAt)}</time> : none}
					</Fact>
					<Fact label={t("callDetail.duration")}>{duration === null ? none : formatDuration(duration)}</Fact>
					<Fact label={t("callDetail.endReason")}>{describeEndReason(call.endReason, t, (id) => team?.find((a) => a.id === id)?.name) ?? none}</Fact>
				</dl>
			</section>
			<section class="card" aria-labelledby="call-recordings-heading">
				<h2 id="call-recordings-heading">{t("callDetail.recordings")}</h2>
				{call.recordings.length === 0 ? (
					<p class="muted">
						{t(call.recording === "off" ? "callDetail.notRecorded" : call.status === "active" ? "callsPage.recordingNow" : "callDetail.noRecordings")}
					</p>
				) : (
					call.recordings.map((recording) => (
						// Keyed by the link, so a renewed link gets a fresh player.
						<Recording key={recording.url} recording={recording} onExpired={renewLinks} />
					))
				)}
			</section>
		</div>
	);
}
