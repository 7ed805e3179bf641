/** A short two-tone chime made with the Web Audio API, so the console ships no sound file. */

let context: AudioContext | null = null;
import { logFailure } from "../../../shared/logFailure";

/**
 * Browsers only let a page start audio after a user gesture: create and resume the context on the
 * first click or key press, so later dings (triggered by the socket, not the user) can play.
 */
export function unlockAudioOnFirstGesture(): () => void {
	const unlock = () => {
		try {
			context ??= new AudioContext();
			context.resume().catch(logFailure("resuming the audio context"));
		} catch {
			// No Web Audio (or blocked): notifications stay silent.
		}
		if (context?.state === "running") remove();
	};
	const remove = () => {
		window.removeEventListener("pointerdown", unlock);
		window.removeEventListener("keydown", unlock);
	};
	window.addEventListener("pointerdown", unlock);
	window.addEventListener("keydown", unlock);
	return remove;
}

function tone(audio: AudioContext, frequency: number, start: number, length: number): void {
	const oscillator = audio.createOscillator();
	const gain = audio.createGain();
	oscillator.type = "sine";
	oscillator.frequency.setValueAtTime(frequency, start);
	// A fast attack and an exponential fade sound like a struck bell and never click.
	gain.gain.setValueAtTime(0.0001, start);
	gain.gain.exponentialRampToValueAtTime(0.18, start + 0.01);
	gain.gain.exponentialRampToValueAtTime(0.0001, start + length);
	oscillator.connect(gain).connect(audio.destination);
	oscillator.start(start);
	oscillator.stop(start + length + 0.02);
}

/** Plays the ding; silently does nothing until the audio context was unlocked by a gesture. */
export function playDing(): void {
	const audio = context;
	if (audio?.state !== "running") return;
	const now = audio.currentTime;
	tone(audio, 880, now, 0.35);
	tone(audio, 1318.5, now + 0.12, 0.5);
}

/** One ring of an incoming call (two short double-beeps); repeated by the call center. */
export function playRing(): void {
	const audio = context;
	if (audio?.state !== "running") return;
	const now = audio.currentTime;
	for (const offset of [0, 0.45]) {
		tone(audio, 660, now + offset, 0.18);
		tone(audio, 880, now + offset + 0.2, 0.18);
	}
}
