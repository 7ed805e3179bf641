/**
 * The rejection handler for work nobody awaits (a click, a timer, a socket event): the failure is
 * logged with what was being done, never left unhandled. The lint (noVoid, noFloatingPromises)
 * makes every fire-and-forget promise end in a handler like this one.
 */
export const logFailure =
	(what: string) =>
	(error: unknown): void => {
		console.error(`destek: ${what} failed`, error);
	};
