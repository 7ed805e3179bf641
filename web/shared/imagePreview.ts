/** Image types the server accepts (it re-encodes them); anything else, SVG above all, is refused, so it gets no preview. */
const PREVIEWABLE = new Set(["image/jpeg", "image/png", "image/webp", "image/gif"]);

/** A local preview URL for a picked file the server will accept as an image; null for the rest (shown as a file chip). */
export function imagePreviewUrl(file: File): string | null {
	return PREVIEWABLE.has(file.type) ? URL.createObjectURL(file) : null;
}
