/** English strings of the API tokens page (admins). */
export const apiTokensEn = {
	"nav.apiTokens": "API tokens",

	"apiTokens.title": "API tokens",
	"apiTokens.intro":
		"Tokens let other systems use destek's REST API. A token acts as the admin who created it, only for the scopes it was given. It is shown once: copy it somewhere safe.",
	"apiTokens.docs": "API documentation",
	"apiTokens.new": "New token",
	"apiTokens.formTitle": "New API token",
	"apiTokens.name": "Name",
	"apiTokens.nameHint": "What uses it, e.g. “CRM sync”.",
	"apiTokens.scopes": "Scopes",
	"apiTokens.noScope": "Choose at least one scope.",
	"apiTokens.create": "Create token",
	"apiTokens.cancel": "Cancel",
	"apiTokens.createdTitle": "Token “{name}” created",
	"apiTokens.createdHint": "This is the only time the token is shown. Send it in the header Authorization: Bearer <token>.",
	"apiTokens.token": "Token",
	"apiTokens.done": "Done",
	"apiTokens.list": "API tokens",
	"apiTokens.loading": "Loading tokens…",
	"apiTokens.empty": "No API tokens yet.",
	"apiTokens.endsWith": "Ends with {lastFour}",
	"apiTokens.createdBy": "Created {when} by {name}",
	"apiTokens.lastUsed": "Last used {when}",
	"apiTokens.neverUsed": "Never used",
	"apiTokens.revokedAt": "Revoked {when}",
	"apiTokens.revoke": "Revoke",
	"apiTokens.confirmRevoke": "Revoke “{name}”? Whatever uses it stops working at once.",
	"apiTokens.confirmRevokeYes": "Revoke token",
	"apiTokens.revoked": "Token “{name}” revoked.",
};

export type ApiTokensMessageKey = keyof typeof apiTokensEn;
