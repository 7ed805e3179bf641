// Message text is always rendered as text (Preact escapes it); only http(s) URLs become links.
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"]+/gi;
/** Punctuation that usually ends the sentence rather than the URL. */
const TRAILING_PUNCTUATION = /[.,;:!?)\]}'"]+$/;

interface Part {
	at: number;
	text: string;
	link: boolean;
}

function splitLinks(text: string): Part[] {
	const parts: Part[] = [];
	let last = 0;
	for (const match of text.matchAll(URL_PATTERN)) {
		const href = match[0].replace(TRAILING_PUNCTUATION, "");
		if (match.index > last) parts.push({ at: last, text: text.slice(last, match.index), link: false });
		parts.push({ at: match.index, text: href, link: true });
		last = match.index + href.length;
	}
	if (last < text.length) parts.push({ at: last, text: text.slice(last), link: false });
	return parts;
}

export function LinkifiedText({ text }: { text: string }) {
	return (
		<>
			{splitLinks(text).map((part) =>
				part.link ? (
					<a key={part.at} href={part.text} target="_blank" rel="noopener noreferrer nofollow">
						{part.text}
					</a>
				) : (
					<span key={part.at}>{part.text}</span>
				),
			)}
		</>
	);
}
