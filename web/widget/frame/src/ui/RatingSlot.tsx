import type { RatingPrompt as RatingPromptComponent } from "./RatingPrompt";
import { chatState } from "../chat/chatStore";
import { useStore } from "../state/store";
import { lazyPart } from "./lazyPart";

const useRatingPrompt = lazyPart<typeof RatingPromptComponent>("rating", () => import("./RatingPrompt").then((module) => module.RatingPrompt));

/**
 * Where the rating is asked, under a resolved conversation. Only then is it wanted, so it is its own
 * chunk (the frame has a size budget), loaded the first time a conversation is resolved.
 */
export function RatingSlot() {
	const { conversation } = useStore(chatState);
	const resolved = conversation?.status === "resolved" ? conversation : null;
	const RatingPrompt = useRatingPrompt(resolved !== null);
	return RatingPrompt && resolved ? <RatingPrompt key={resolved.id} conversationId={resolved.id} /> : null;
}
