import type { ServerFeatures } from "../../../../src/protocol/features";
import type { Language } from "../../../shared/i18n";

export interface Agent {
	id: string;
	username: string;
	name: string;
	isAdmin: boolean;
	telegramLinked: boolean;
	totpEnabled: boolean;
	language: Language | null;
}

/** An agent as an admin sees it in the agents list. */
export interface ManagedAgent extends Agent {
	disabledAt: string | null;
	createdAt: string;
}

export type SecondFactorMethod = "telegram" | "totp";

/** What the code step may send: a factor's code, or one of the recovery codes instead. */
export type VerifyMethod = SecondFactorMethod | "recovery";

export interface LoginResult {
	ticket: string;
	codeSent: boolean;
	methods: Record<SecondFactorMethod, boolean>;
	enrollmentRequired: boolean;
	features: ServerFeatures;
}

export interface AccessGrant {
	accessToken: string;
	/** Lifetime of the access token in seconds. */
	expiresIn: number;
	agent: Agent;
	/** A fresh CSRF token; refresh may include one, sign-in always does. */
	csrfToken?: string;
}

/** What a successful second factor (verify or TOTP enrolment) returns. */
export interface SignInResult extends AccessGrant {
	csrfToken: string;
	/** The first recovery codes, once, right after the first second factor is set up. */
	recoveryCodes?: string[];
	/** After a recovery code was used: how many remain. */
	recoveryCodesLeft?: number;
}

export interface TelegramLink {
	link: string;
	expiresAt: string;
}

export interface TotpEnrollment {
	secret: string;
	uri: string;
	/** A data:image/svg+xml URL of the QR code. */
	qr: string;
}
