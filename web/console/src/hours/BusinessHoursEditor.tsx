import "./hours.css";
import { useEffect, useMemo, useState } from "preact/hooks";
import { type BusinessHours, createCallbacksApi } from "../api/callbacksApi";
import { useI18n } from "../i18n";
import { session } from "../session/sessionStore";
import { Button } from "../ui/Button";
import { ErrorAlert, Notice } from "../ui/ErrorAlert";
import { useAsyncAction } from "../ui/useAsyncAction";
import { logFailure } from "../../../shared/logFailure";

// The business hours of one inbox: a switch, the time zone, the open intervals of each weekday and
// the holidays. Self-contained (it loads and saves through /api/inboxes/:id/hours), so it can sit on
// its own page or inside an inbox's settings. The server validates; its error is shown as is.

const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
type Weekday = (typeof WEEKDAYS)[number];

/** The zones the browser knows, with the current one kept even if it is not listed. */
function timeZones(current: string): string[] {
	const known = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : ["Europe/Istanbul", "UTC"];
	return known.includes(current) ? known : [current, ...known];
}

function DayRow({ day, hours, onChange }: { day: Weekday; hours: BusinessHours; onChange: (intervals: BusinessHours["weekly"][Weekday]) => void }) {
	const { t } = useI18n();
	const intervals = hours.weekly[day];
	const name = t(`day.${day}`);
	const set = (index: number, key: "from" | "to", value: string) => onChange(intervals.map((i, n) => (n === index ? { ...i, [key]: value } : i)));
	return (
		<fieldset class="hours-day">
			<legend>{name}</legend>
			{intervals.length === 0 && <span class="muted">{t("hours.closed")}</span>}
			{intervals.map((interval, index) => (
				<span class="hours-interval" key={index}>
					<label>
						<span class="visually-hidden">{`${name} ${t("hours.from")} ${index + 1}`}</span>
						<input type="text" inputMode="numeric" size={5} pattern="\d\d:\d\d" value={interval.from} onInput={(e) => set(index, "from", e.currentTarget.value)} />
					</label>
					–
					<label>
						<span class="visually-hidden">{`${name} ${t("hours.to")} ${index + 1}`}</span>
						<input type="text" inputMode="numeric" size={5} pattern="\d\d:\d\d" value={interval.to} onInput={(e) => set(index, "to", e.currentTarget.value)} />
					</label>
					<Button variant="link" onClick={() => onChange(intervals.filter((_, n) => n !== index))}>
						<span aria-hidden="true">{t("hours.removeInterval")}</span>
						<span class="visually-hidden">{`${t("hours.removeInterval")} ${name} ${interval.from}–${interval.to}`}</span>
					</Button>
				</span>
			))}
			{intervals.length < 4 && (
				<Button variant="link" onClick={() => onChange([...intervals, { from: "09:00", to: "18:00" }])}>
					<span aria-hidden="true">{t("hours.addInterval")}</span>
					<span class="visually-hidden">{`${t("hours.addInterval")} ${name}`}</span>
				</Button>
			)}
		</fieldset>
	);
}

/** The business-hours form of one inbox, saved with `Save` (admins). */
export function BusinessHoursEditor({ inboxId }: { inboxId: string }) {
	const { t } = useI18n();
	const api = useMemo(() => createCallbacksApi(session.request), []);
	const [hours, setHours] = useState<BusinessHours | null>(null);
	const [saved, setSaved] = useState(false);
	const loading = useAsyncAction();
	const saving = useAsyncAction();

	useEffect(() => {
		loading
			.run(() => api.hours(inboxId))
			.then((result) => {
				if (result) setHours(result.value.hours);
			})
			.catch(logFailure("loading business hours"));
	}, [api, inboxId]);

	if (!hours) {
		return (
			<>
				<ErrorAlert error={loading.error} />
				{!loading.error && (
					<p class="muted" role="status">
						{t("hours.loading")}
					</p>
				)}
			</>
		);
	}
	const change = (patch: Partial<BusinessHours>) => {
		setSaved(false);
		setHours({ ...hours, ...patch });
	};
	const save = async (event: Event) => {
		event.preventDefault();
		const result = await saving.run(() => api.saveHours(inboxId, hours));
		if (result) {
			setHours(result.value.hours);
			setSaved(true);
		}
	};
	return (
		<form class="card hours-editor" onSubmit={(event) => save(event).catch(logFailure("saving business hours"))}>
			<label class="checkbox-field">
				<input type="checkbox" checked={hours.enabled} onChange={(e) => change({ enabled: e.currentTarget.checked })} />
				{t("hours.enabled")}
			</label>
			<p class="muted">{t("hours.enabledHint")}</p>
			<label class="field">
				<span>{t("hours.timezone")}</span>
				<select value={hours.timezone} onChange={(e) => change({ timezone: e.currentTarget.value })}>
					{timeZones(hours.timezone).map((zone) => (
						<option key={zone} value={zone}>
							{zone}
						</option>
					))}
				</select>
			</label>
			<h2>{t("hours.week")}</h2>
			<p class="muted">{t("hours.timeHint")}</p>
			{WEEKDAYS.map((day) => (
				<DayRow key={day} day={day} hours={hours} onChange={(intervals) => change({ weekly: { ...hours.weekly, [day]: intervals } })} />
			))}
			<h2>{t("hours.holidays")}</h2>
			{hours.holidays.length === 0 && <p class="muted">{t("hours.noHolidays")}</p>}
			<ul class="hours-holidays">
				{hours.holidays.map((holiday, index) => {
					const setHoliday = (patch: Partial<BusinessHours["holidays"][number]>) =>
						change({ holidays: hours.holidays.map((h, n) => (n === index ? { ...h, ...patch } : h)) });
					return (
						<li key={index} class="hours-interval">
							<label>
								<span class="visually-hidden">{`${t("hours.holidayDate")} ${index + 1}`}</span>
								<input type="date" value={holiday.date} onInput={(e) => setHoliday({ date: e.currentTarget.value })} />
							</label>
							<label>
								<span class="visually-hidden">{`${t("hours.holidayName")} ${index + 1}`}</span>
								<input type="text" maxLength={80} placeholder={t("hours.holidayName")} value={holiday.name} onInput={(e) => setHoliday({ name: e.currentTarget.value })} />
							</label>
							<Button variant="link" onClick={() => change({ holidays: hours.holidays.filter((_, n) => n !== index) })}>
								<span aria-hidden="true">{t("hours.removeInterval")}</span>
								<span class="visually-hidden">{`${t("hours.removeHoliday")} ${holiday.date}`}</span>
							</Button>
						</li>
					);
				})}
			</ul>
			<Button onClick={() => change({ holidays: [...hours.holidays, { date: new Date().toISOString().slice(0, 10), name: "" }] })}>{t("hours.addHoliday")}</Button>
			<ErrorAlert error={saving.error} />
			{saved && <Notice>{t("hours.saved")}</Notice>}
			<div class="form-actions">
				<Button variant="primary" type="submit" busy={saving.busy}>
					{t("hours.save")}
				</Button>
			</div>
		</form>
	);
}

/** The page at /inboxes/:id/hours. */
export function InboxHoursPage({ inboxId }: { inboxId: string }) {
	const { t } = useI18n();
	return (
		<div class="page">
			<h1 class="page-title">{t("hours.title")}</h1>
			<p class="muted">{t("hours.intro")}</p>
			<BusinessHoursEditor inboxId={inboxId} />
		</div>
	);
}
