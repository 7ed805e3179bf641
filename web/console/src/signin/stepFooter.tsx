import { useI18n } from "../i18n";
import { Button } from "../ui/Button";

/** "Start over": back to the username and password, with no error to show there. */
export function StartOverButton({ onRestart }: { onRestart: () => void }) {
	const { t } = useI18n();
	// Called without the click event: the flow would show an argument as the reason it restarted.
	return (
		<Button variant="link" onClick={() => onRestart()}>
			{t("signIn.startOver")}
		</Button>
	);
}

/** The ways out of an enrollment step: back to the choice of second factor, or start over. */
export function EnrollStepFooter({ onOtherMethod, onRestart }: { onOtherMethod: () => void; onRestart: () => void }) {
	const { t } = useI18n();
	return (
		<div class="step-footer">
			<Button variant="link" onClick={onOtherMethod}>
				{t("enroll.otherMethod")}
			</Button>
			<StartOverButton onRestart={onRestart} />
		</div>
	);
}
