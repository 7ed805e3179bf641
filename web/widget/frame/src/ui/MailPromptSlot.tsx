import type { MailPrompt as MailPromptComponent } from "./MailPrompt";
import { chatState } from "../chat/chatStore";
import { useStore } from "../state/store";
import { lazyPart } from "./lazyPart";

const useMailPrompt = lazyPart<typeof MailPromptComponent>("e-mail prompt", () => import("./MailPrompt").then((module) => module.MailPrompt));

/**
 * Where the e-mail prompt goes. Few visitors need it (e-mail on, and the team away or the chat
 * resolved), so it is its own chunk, loaded the first time it is wanted; once loaded it decides
 * for itself what to show.
 */
export function MailPromptSlot() {
	const { mail, agentsOnline, conversation } = useStore(chatState);
	const MailPrompt = useMailPrompt(Boolean(mail?.enabled) && (conversation?.status === "resolved" || agentsOnline === false));
	return MailPrompt ? <MailPrompt /> : null;
}
