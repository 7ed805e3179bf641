import type { PushMessageKey } from "./pushEn";

/** Konsol telefonda: cihaz başına anlık bildirimler (Türkçe). */
export const pushTr: Record<PushMessageKey, string> = {
	"push.title": "Bu cihazda bildirimler",
	"push.intro": "Gelen kutularınızdaki yeni sohbetler, size atanmış sohbetlerdeki mesajlar ve çalan aramalar için bu telefona ya da bilgisayara bildirim gelsin; konsol kapalıyken bile.",
	"push.enable": "Anlık bildirimleri aç",
	"push.disable": "Bu cihazda kapat",
	"push.on": "Açık",
	"push.off": "Kapalı",
	"push.unsupported": "Bu tarayıcı anlık bildirim alamıyor.",
	"push.homeScreen": "iPhone ve iPad'de önce destek'i Ana Ekrana ekleyin (Paylaş, sonra Ana Ekrana Ekle) ve oradan açın.",
	"push.blocked": "Bu site için bildirimler engellenmiş. Tarayıcının site ayarlarından izin verip yeniden deneyin.",
	"push.devices": "Cihazlarınız",
	"push.noDevices": "Henüz bildirim alan bir cihaz yok.",
	"push.thisDevice": "bu cihaz",
	"push.added": "Eklendi: {date}",
	"push.lastSent": "son bildirim: {date}",
	"push.remove": "Kaldır",
	"push.enabled": "Bu cihazda bildirimler açık.",
	"push.removed": "Cihaz kaldırıldı.",
};
