import type { AccessLogMessageKey } from "./accessLogEn";

/** Kayıtlara ve dosyalara erişim kaydı (yöneticiler), Türkçe. */
export const accessLogTr: Record<AccessLogMessageKey, string> = {
	"nav.accessLog": "Erişim kaydı",

	"accessLog.title": "Erişim kaydı",
	"accessLog.intro":
		"Bir temsilci bir arama kaydını ya da konuşmadaki bir dosyayı her oynattığında veya indirdiğinde buraya yazılır: kim, neyi, ne zaman ve nereden. Oynatıcı ne kadar ileri geri sarılsa da bir oynatma bir kez sayılır.",
	"accessLog.filters": "Erişim kaydını süz",
	"accessLog.agent": "Temsilciye göre süz",
	"accessLog.anyAgent": "Tüm temsilciler",
	"accessLog.callId": "Arama kimliği",
	"accessLog.from": "Başlangıç",
	"accessLog.to": "Bitiş",
	"accessLog.apply": "Süz",
	"accessLog.export": "CSV olarak dışa aktar",
	"accessLog.table": "Erişim kayıtları",
	"accessLog.col.when": "Zaman",
	"accessLog.col.who": "Temsilci",
	"accessLog.col.action": "İşlem",
	"accessLog.col.item": "Ne",
	"accessLog.col.where": "Nereden",
	"accessLog.action.play": "Oynattı",
	"accessLog.action.download": "İndirdi",
	"accessLog.kind.recording": "Arama kaydı",
	"accessLog.kind.attachment": "Konuşma dosyası",
	"accessLog.empty": "Bu süzgeçlere uyan kayıt yok.",
	"accessLog.loadMore": "Daha fazla",
	"accessLog.ofCall": "Erişim kaydı",
	"accessLog.ofCallNamed": "{name} ile aramanın erişim kaydı",
};
