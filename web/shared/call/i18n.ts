// The call screen's strings, shared by the widget's and the console's dictionaries.

export const callScreenEn = {
	"call.mute": "Mute",
	"call.unmute": "Unmute",
	"call.cameraOn": "Camera on",
	"call.cameraOff": "Camera off",
	"call.speakerOff": "Speaker off",
	"call.speakerOn": "Speaker on",
	"call.hangUp": "Hang up",
	"call.connecting": "Connecting…",
	"call.quality.good": "Good",
	"call.quality.fair": "Fair",
	"call.quality.poor": "Poor",
	"call.stats": "Round trip {rtt} ms · packet loss {loss}% · {kbps} kbit/s",
	"call.controls": "Call controls",
	"call.recording": "Recording",
	"call.intercom": "Intercom",
	"call.talk": "Hold to talk",
	"call.shareScreen": "Share screen",
	"call.stopSharing": "Stop sharing",
	"call.fullscreen": "Full screen",
	"call.exitFullscreen": "Exit full screen",
	"call.pip": "Picture in picture",
	// Shown when the browser refuses to play sound until the page is tapped: the agent hears the
	// caller, the visitor hears the agent.
	"call.tapToHear": "Tap to hear the caller",
	"call.tapToHearAgent": "Tap to hear the agent",
} as const;

export type CallKey = keyof typeof callScreenEn;

export const callScreenTr: Record<CallKey, string> = {
	"call.mute": "Sesi kapat",
	"call.unmute": "Sesi aç",
	"call.cameraOn": "Kamerayı aç",
	"call.cameraOff": "Kamerayı kapat",
	"call.speakerOff": "Hoparlörü kapat",
	"call.speakerOn": "Hoparlörü aç",
	"call.hangUp": "Görüşmeyi bitir",
	"call.connecting": "Bağlanıyor…",
	"call.quality.good": "İyi",
	"call.quality.fair": "Orta",
	"call.quality.poor": "Zayıf",
	"call.stats": "Gidiş-dönüş {rtt} ms · paket kaybı %{loss} · {kbps} kbit/sn",
	"call.controls": "Görüşme kontrolleri",
	"call.recording": "Kaydediliyor",
	"call.intercom": "Bas-konuş",
	"call.talk": "Konuşmak için basılı tutun",
	"call.shareScreen": "Ekranı paylaş",
	"call.stopSharing": "Paylaşımı durdur",
	"call.fullscreen": "Tam ekran",
	"call.exitFullscreen": "Tam ekrandan çık",
	"call.pip": "Resim içinde resim",
	"call.tapToHear": "Arayanı duymak için dokunun",
	"call.tapToHearAgent": "Temsilciyi duymak için dokunun",
};
