import { useCallback, useEffect, useRef, useState } from "preact/hooks";

/** Voice notes are capped at two minutes; recording stops (and sends) by itself then. */
export const MAX_VOICE_SECONDS = 120;
const PREFERRED_TYPE = "audio/webm;codecs=opus";

export interface VoiceRecorder {
	recording: boolean;
	/** Seconds recorded so far. */
	elapsed: number;
	/** Set when the microphone could not be used. */
	failed: boolean;
	start: () => Promise<void>;
	/** Ends the recording; `keep` false throws it away. */
	stop: (keep: boolean) => void;
}

interface Session {
	recorder: MediaRecorder;
	stream: MediaStream;
	startedAt: number;
	keep: boolean;
}

/** Records a voice note with MediaRecorder and hands the finished file to `onRecorded`. */
export function useVoiceRecorder(onRecorded: (file: File) => void): VoiceRecorder {
	const [recording, setRecording] = useState(false);
	const [elapsed, setElapsed] = useState(0);
	const [failed, setFailed] = useState(false);
	const session = useRef<Session | null>(null);
	const deliver = useRef(onRecorded);
	deliver.current = onRecorded;

	const stop = useCallback((keep: boolean) => {
		const current = session.current;
		if (!current) return;
		current.keep = keep;
		if (current.recorder.state !== "inactive") current.recorder.stop();
	}, []);

	// While recording: tick the clock, and stop at the limit.
	useEffect(() => {
		if (!recording) return;
		const timer = setInterval(() => {
			const current = session.current;
			if (!current) return;
			const seconds = (Date.now() - current.startedAt) / 1000;
			setElapsed(seconds);
			if (seconds >= MAX_VOICE_SECONDS) stop(true);
		}, 250);
		return () => clearInterval(timer);
	}, [recording, stop]);

	// Leaving the widget mid-recording must release the microphone.
	useEffect(() => () => stop(false), [stop]);

	const start = async () => {
		if (session.current) return;
		setFailed(false);
		let stream: MediaStream;
		try {
			stream = await navigator.mediaDevices.getUserMedia({ audio: true });
		} catch {
			setFailed(true);
			return;
		}
		const options = MediaRecorder.isTypeSupported(PREFERRED_TYPE) ? { mimeType: PREFERRED_TYPE } : undefined;
		const recorder = new MediaRecorder(stream, options);
		const chunks: Blob[] = [];
		const current: Session = { recorder, stream, startedAt: Date.now(), keep: true };
		recorder.ondataavailable = (event) => {
			if (event.data.size > 0) chunks.push(event.data);
		};
		recorder.onstop = () => {
			for (const track of stream.getTracks()) track.stop();
			session.current = null;
			setRecording(false);
			setElapsed(0);
			// Uploads are checked by type, so the codec parameter is left off the file's type.
			const type = (recorder.mimeType || "audio/webm").split(";")[0] ?? "audio/webm";
			const extension = type.includes("mp4") ? "m4a" : type.includes("ogg") ? "ogg" : "webm";
			if (current.keep && chunks.length > 0) {
				deliver.current(new File(chunks, `voice-note-${Date.now()}.${extension}`, { type }));
			}
		};
		session.current = current;
		recorder.start(1000);
		setRecording(true);
	};

	return { recording, elapsed, failed, start, stop };
}
