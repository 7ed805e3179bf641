import { useCallback, useEffect, useMemo, useState } from "preact/hooks";
import type { PushDeviceView } from "../../../../src/protocol/push";
import { logFailure } from "../../../shared/logFailure";
import { createPushApi } from "../api/pushApi";
import { useI18n } from "../i18n";
import { applicationServerKey, deviceName, needsHomeScreen, pushSupported, serviceWorkerReady } from "../pwa/serviceWorker";
import { session } from "../session/sessionStore";
import { Button } from "../ui/Button";
import { ErrorAlert, Notice } from "../ui/ErrorAlert";
import { formatDateTime } from "../ui/formatTime";
import { useAsyncAction } from "../ui/useAsyncAction";
import { StatusBadge } from "./StatusBadge";

/** Which device row is this browser's (the server keeps no cookie of it): remembered once it subscribes. */
const THIS_DEVICE_KEY = "destek.push.device";

/** The browser's current push subscription, if the service worker has one. */
async function currentSubscription(): Promise<PushSubscription | null> {
	if (!pushSupported()) return null;
	return (await serviceWorkerReady()).pushManager.getSubscription();
}

/** Settings: `Notifications on this device` (turn web push on or off here) and the agent's devices with `Remove`. */
export function PushSettings() {
	const { t, language } = useI18n();
	const api = useMemo(() => createPushApi(session.request), []);
	const action = useAsyncAction();
	const [devices, setDevices] = useState<PushDeviceView[] | null>(null);
	const [publicKey, setPublicKey] = useState<string | null>(null);
	const [thisDevice, setThisDevice] = useState<string | null>(() => localStorage.getItem(THIS_DEVICE_KEY));
	const [notice, setNotice] = useState<string | null>(null);
	const supported = pushSupported();
	const homeScreenFirst = supported ? false : needsHomeScreen();
	const [blocked, setBlocked] = useState(() => supported && Notification.permission === "denied");

	const reload = useCallback(async () => {
		const { devices, publicKey } = await api.devices();
		setDevices(devices);
		setPublicKey(publicKey);
		// This browser's subscription is gone (removed here or from another device, or by the browser).
		const subscription = await currentSubscription().catch(() => null);
		const stored = localStorage.getItem(THIS_DEVICE_KEY);
		if (stored && (!subscription || !devices.some((device) => device.id === stored))) {
			localStorage.removeItem(THIS_DEVICE_KEY);
			setThisDevice(null);
		}
	}, [api]);

	useEffect(() => {
		reload().catch(logFailure("loading the push devices"));
	}, [reload]);

	const enabledHere = thisDevice !== null && (devices?.some((device) => device.id === thisDevice) ?? false);

	async function enable() {
		setNotice(null);
		await action.run(async () => {
			const key = publicKey ?? (await api.devices()).publicKey;
			const permission = await Notification.requestPermission();
			if (permission !== "granted") {
				setBlocked(permission === "denied");
				return;
			}
			const registration = await serviceWorkerReady();
			let subscription = await registration.pushManager.getSubscription();
			// Made with another server key (a restored backup, another install on this origin): start over.
			const wanted = applicationServerKey(key);
			const held = subscription?.options.applicationServerKey;
			if (subscription && held && !sameBytes(new Uint8Array(held), wanted)) {
				await subscription.unsubscribe();
				subscription = null;
			}
			subscription ??= await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: wanted });
			const json = subscription.toJSON();
			const device = await api.add({
				endpoint: json.endpoint ?? subscription.endpoint,
				expirationTime: json.expirationTime ?? null,
				keys: { p256dh: json.keys?.p256dh ?? "", auth: json.keys?.auth ?? "" },
				device: deviceName(),
			});
			localStorage.setItem(THIS_DEVICE_KEY, device.id);
			setThisDevice(device.id);
			setNotice(t("push.enabled"));
			await reload();
		});
	}

	async function remove(id: string) {
		setNotice(null);
		await action.run(async () => {
			await api.remove(id);
			if (id === thisDevice) {
				await (await currentSubscription())?.unsubscribe();
				localStorage.removeItem(THIS_DEVICE_KEY);
				setThisDevice(null);
			}
			setNotice(t("push.removed"));
			await reload();
		});
	}

	return (
		<section class="card" aria-labelledby="push-heading">
			<div class="setting-head">
				<h2 id="push-heading">{t("push.title")}</h2>
				{supported && <StatusBadge on={enabledHere}>{enabledHere ? t("push.on") : t("push.off")}</StatusBadge>}
			</div>
			<p class="muted">{t("push.intro")}</p>
			{!supported && <p class="muted">{homeScreenFirst ? t("push.homeScreen") : t("push.unsupported")}</p>}
			{blocked && <p class="muted">{t("push.blocked")}</p>}
			<ErrorAlert error={action.error} />
			{notice && <Notice>{notice}</Notice>}
			{supported && (
				<div class="setting-actions">
					{enabledHere && thisDevice ? (
						<Button busy={action.busy} onClick={() => remove(thisDevice)}>
							{t("push.disable")}
						</Button>
					) : (
						<Button variant="primary" busy={action.busy} onClick={enable}>
							{t("push.enable")}
						</Button>
					)}
				</div>
			)}
			<h3 class="setting-title">{t("push.devices")}</h3>
			{devices !== null && devices.length === 0 && <p class="muted">{t("push.noDevices")}</p>}
			{devices !== null && devices.length > 0 && (
				<ul class="push-devices" aria-label={t("push.devices")}>
					{devices.map((device) => (
						<li key={device.id} class="push-device">
							<div>
								<strong>{device.device}</strong>
								{device.id === thisDevice && <span class="muted"> ({t("push.thisDevice")})</span>}
								<div class="muted">
									{device.service} · {t("push.added", { date: formatDateTime(device.createdAt, language) })}
									{device.lastSentAt && ` · ${t("push.lastSent", { date: formatDateTime(device.lastSentAt, language) })}`}
								</div>
							</div>
							<Button busy={action.busy} onClick={() => remove(device.id)}>
								{t("push.remove")}
							</Button>
						</li>
					))}
				</ul>
			)}
		</section>
	);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
	return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
