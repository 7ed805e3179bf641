import { useI18n } from "../i18n";
import { createStore, useStore } from "../state/store";
import { Icon } from "./Icon";

interface Toast {
	id: number;
	message: string;
}

const TOAST_LIFETIME_MS = 8_000;
const toasts = createStore({ items: [] as Toast[] });
let nextId = 1;

function dismiss(id: number): void {
	toasts.update((state) => ({ items: state.items.filter((toast) => toast.id !== id) }));
}

/** Shows an error that has no place on the page (a failed action), read out as an alert. */
export function showToast(message: string): void {
	const id = nextId++;
	toasts.update((state) => ({ items: [...state.items.slice(-2), { id, message }] }));
	setTimeout(() => dismiss(id), TOAST_LIFETIME_MS);
}

/** The corner where toasts appear; mounted once by the signed-in shell. */
export function Toaster() {
	const { t } = useI18n();
	const items = useStore(toasts, (state) => state.items);
	return (
		<div class="toaster">
			{items.map((toast) => (
				<div key={toast.id} class="toast" role="alert">
					<span>{toast.message}</span>
					<button type="button" class="icon-button" onClick={() => dismiss(toast.id)} aria-label={t("common.dismiss")}>
						<Icon name="close" />
					</button>
				</div>
			))}
		</div>
	);
}
