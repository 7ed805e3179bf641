// Stroke icons drawn in currentColor; decorative, so hidden from assistive technology
// (every button that shows one has its own accessible name).

function Icon({ d, class: className }: { d: string; class?: string }) {
	return (
		<svg class={className ? `icon ${className}` : "icon"} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
			<path d={d} />
		</svg>
	);
}

export const SendIcon = () => <Icon d="M4 12l16-8-6 16-2.5-6.5L4 12Zm7.5 1.5L20 4" />;
export const AttachIcon = () => <Icon d="M20 11.5l-8.2 8.2a5 5 0 0 1-7.1-7.1l8.5-8.5a3.3 3.3 0 0 1 4.7 4.7l-8.5 8.5a1.7 1.7 0 0 1-2.4-2.4l7.8-7.8" />;
export const MicIcon = () => <Icon d="M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3Zm-7 9a7 7 0 0 0 14 0M12 19v3" />;
export const StopIcon = () => <Icon class="icon-filled" d="M7 7h10v10H7z" />;
export const TrashIcon = () => <Icon d="M4 7h16M10 11v6m4-6v6M6 7l1 13h10l1-13M9 7V4h6v3" />;
export const CloseIcon = () => <Icon d="M6 6l12 12M18 6L6 18" />;
export const FileIcon = () => <Icon d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8l-5-5Zm0 0v5h5" />;
export const CheckIcon = () => <Icon d="M4 12.5l5 5L20 6.5" />;
export const DoubleCheckIcon = () => <Icon d="M2 12.5l5 5L17.5 7M11 16l1.5 1.5L23 7" />;
export const ClockIcon = () => <Icon d="M12 7v5l3 2m6-2a9 9 0 1 1-18 0 9 9 0 0 1 18 0Z" />;
export const PhoneIcon = () => <Icon d="M5 4h4l2 5-2.5 1.5a11 11 0 0 0 5 5L15 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 6a2 2 0 0 1 2-2" />;
