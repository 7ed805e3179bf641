import { type ComponentChildren, createContext } from "preact";
import { useContext, useEffect, useMemo, useRef } from "preact/hooks";
import type { Agent } from "../api/types";
import { useI18n } from "../i18n";
import { createInboxSession, type InboxSession } from "./inboxSession";

const InboxContext = createContext<InboxSession | null>(null);

/** Starts the inbox session (socket, stores) for the signed-in agent and stops it on sign-out. */
export function InboxProvider({ agent, children }: { agent: Agent; children: ComponentChildren }) {
	const { t } = useI18n();
	// Alerts are built outside render; they read the current language through this ref.
	const translate = useRef(t);
	translate.current = t;
	const agentRef = useRef(agent);
	agentRef.current = agent;

	// One session per agent: the agent object itself is replaced on every token refresh.
	const agentId = agent.id;
	const inbox = useMemo(
		() => createInboxSession({ ...agentRef.current, id: agentId }, () => translate.current),
		[agentId],
	);
	useEffect(() => () => inbox.stop(), [inbox]);

	return <InboxContext.Provider value={inbox}>{children}</InboxContext.Provider>;
}

/** The signed-in agent's inbox session. */
export function useInbox(): InboxSession {
	const inbox = useContext(InboxContext);
	if (!inbox) throw new Error("useInbox must be used inside InboxProvider");
	return inbox;
}
