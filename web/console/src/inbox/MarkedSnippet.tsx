import type { SearchSnippet } from "../api/inboxTypes";

/**
 * A search snippet with its matched words in <mark>. The text is the visitor's own, so it is only
 * ever rendered as text nodes (Preact escapes them), cut at the server's offsets; never as HTML.
 */
export function MarkedSnippet({ snippet }: { snippet: SearchSnippet }) {
	const parts: Array<string | { marked: string }> = [];
	let at = 0;
	for (const { start, end } of [...snippet.marks].sort((a, b) => a.start - b.start)) {
		if (start < at || end > snippet.text.length || end <= start) continue;
		if (start > at) parts.push(snippet.text.slice(at, start));
		parts.push({ marked: snippet.text.slice(start, end) });
		at = end;
	}
	if (at < snippet.text.length) parts.push(snippet.text.slice(at));
	return (
		<span class="conversation-item-preview search-snippet" data-search-snippet={snippet.source}>
			{parts.map((part) => (typeof part === "string" ? part : <mark>{part.marked}</mark>))}
		</span>
	);
}
