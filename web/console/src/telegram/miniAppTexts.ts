// The Mini App's own strings (the call screen's come from shared/call/i18n.ts).

const en = {
	starting: "Signing you in with Telegram…",
	notInTelegram: "Open this page from a call alert in Telegram.",
	noCall: "No call was given to this page. Open it from a call alert.",
	failed: "Something went wrong. Try the browser link.",
	offline: "No connection to destek.",
	calling: "{name} is calling",
	audio: "Voice call",
	video: "Video call",
	cameraOn: "Camera on",
	accept: "Accept",
	reject: "Reject",
	acceptInBrowser: "Accept in browser",
	cannotCapture:
		"This Telegram app cannot use your microphone here (it is missing or was refused). The call is still ringing: answer it in the browser.",
	cannotConnect: "The call cannot connect from this Telegram app. Continue it in the browser.",
	taken: "{name} took this call.",
	yoursElsewhere: "You are already in this call elsewhere.",
	rejected: "You rejected this call.",
	over: "This call is over.",
};

export type MiniAppKey = keyof typeof en;

const tr: Record<MiniAppKey, string> = {
	starting: "Telegram ile giriş yapılıyor…",
	notInTelegram: "Bu sayfayı Telegram'daki bir arama bildiriminden açın.",
	noCall: "Bu sayfaya bir arama verilmedi. Arama bildiriminden açın.",
	failed: "Bir şeyler ters gitti. Tarayıcı bağlantısını deneyin.",
	offline: "destek'e bağlantı yok.",
	calling: "{name} arıyor",
	audio: "Sesli arama",
	video: "Görüntülü arama",
	cameraOn: "Kamera açık",
	accept: "Kabul et",
	reject: "Reddet",
	acceptInBrowser: "Tarayıcıda kabul et",
	cannotCapture: "Bu Telegram uygulaması mikrofonunuzu burada kullanamıyor (yok ya da izin verilmedi). Arama hâlâ çalıyor: tarayıcıda yanıtlayın.",
	cannotConnect: "Arama bu Telegram uygulamasından bağlanamıyor. Tarayıcıda devam edin.",
	taken: "Bu aramayı {name} aldı.",
	yoursElsewhere: "Bu görüşmede zaten başka bir yerdesiniz.",
	rejected: "Bu aramayı reddettiniz.",
	over: "Bu arama sona erdi.",
};

export const miniAppTexts: Record<"en" | "tr", Record<MiniAppKey, string>> = { en, tr };
