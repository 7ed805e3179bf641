import { useEffect, useState } from "preact/hooks";

/** Phones get one inbox column at a time; must match the breakpoint in inbox.css. */
export const PHONE_QUERY = "(max-width: 768px)";

/** Whether a media query matches, following changes (rotation, window resize). */
export function useMediaQuery(query: string): boolean {
	const [matches, setMatches] = useState(() => matchMedia(query).matches);
	useEffect(() => {
		const list = matchMedia(query);
		const update = () => setMatches(list.matches);
		update();
		list.addEventListener("change", update);
		return () => list.removeEventListener("change", update);
	}, [query]);
	return matches;
}
