// How the call's connection is doing, from the browser's own statistics (getStats): round-trip
// time, packet loss and the voice's jitter, each over the last few seconds, rated good, fair or
// poor for the call screen (the figures are shown on hover).

export interface CallQuality {
	level: "good" | "fair" | "poor";
	/** Round-trip time in ms, packet loss in %, jitter in ms, received bitrate in kbit/s. */
	rtt: number;
	loss: number;
	jitter: number;
	kbps: number;
}

/** Reads a connection's statistics; loss and bitrate are counted since the previous reading. */
export class QualityMeter {
	private videoSpared = false;
	private lastBytes = 0;
	private lastAt = 0;
	private lastLost = 0;
	private lastReceived = 0;

	async read(pc: RTCPeerConnection): Promise<CallQuality> {
		let rtt = 0;
		let lost = 0;
		let received = 0;
		let bytes = 0;
		let jitter = 0;
		(await pc.getStats()).forEach((s) => {
			if (s.type === "candidate-pair" && s.nominated && s.currentRoundTripTime !== undefined) rtt = s.currentRoundTripTime * 1000;
			if (s.type === "inbound-rtp") {
				lost += s.packetsLost ?? 0;
				received += s.packetsReceived ?? 0;
				bytes += s.bytesReceived ?? 0;
				// The voice's jitter is what a caller hears.
				if (s.kind === "audio" && s.jitter !== undefined) jitter = s.jitter * 1000;
			}
		});
		const now = performance.now();
		const kbps = this.lastAt && bytes >= this.lastBytes ? ((bytes - this.lastBytes) * 8) / (now - this.lastAt) : 0;
		this.lastBytes = bytes;
		this.lastAt = now;
		// Loss since the last reading, so the meter follows the network as it is now.
		const newLost = Math.max(0, lost - this.lastLost);
		const newReceived = Math.max(0, received - this.lastReceived);
		this.lastLost = lost;
		this.lastReceived = received;
		const loss = newReceived + newLost > 0 ? (newLost * 100) / (newReceived + newLost) : 0;
		const level = rtt < 300 && loss < 2 && jitter < 30 ? "good" : rtt < 600 && loss < 8 && jitter < 100 ? "fair" : "poor";
		return { level, rtt: Math.round(rtt), loss: Math.round(loss * 10) / 10, jitter: Math.round(jitter), kbps: Math.round(kbps) };
	}

	/**
	 * On a poor link the voice must get through: the video sender stops sending until the link is
	 * better again (the audio keeps its high priority and its bitrate).
	 */
	async spareVideo(pc: RTCPeerConnection, poor: boolean): Promise<void> {
		if (poor === this.videoSpared) return;
		const sender = pc.getTransceivers().find((t) => t.receiver.track.kind === "video")?.sender;
		const params = sender?.getParameters();
		const encoding = params?.encodings?.[0];
		if (!sender || !params || !encoding) return;
		encoding.active = !poor;
		await sender.setParameters(params);
		this.videoSpared = poor;
	}
}
