import type { AwayParts as AwayPartsComponent } from "./AwayParts";
import { chatState } from "../chat/chatStore";
import { useStore } from "../state/store";
import { lazyPart } from "./lazyPart";

const useAwayParts = lazyPart<typeof AwayPartsComponent>("away prompt", () => import("./AwayParts").then((module) => module.AwayParts));

/**
 * Where the away prompts go: the business-hours note, `Request a call back` and the e-mail prompt.
 * Few visitors need them (the team away, or e-mail on and the chat resolved), so they are their own
 * chunk, loaded the first time they are wanted; once loaded it decides for itself what to show.
 */
export function MailPromptSlot() {
	const { mail, agentsOnline, conversation } = useStore(chatState);
	const AwayParts = useAwayParts(agentsOnline === false || (Boolean(mail?.enabled) && conversation?.status === "resolved"));
	return AwayParts ? <AwayParts /> : null;
}
