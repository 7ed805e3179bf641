import type { CannedMessageKey } from "./cannedEn";

/** Turkish strings of canned replies. */
export const cannedTr: Record<CannedMessageKey, string> = {
	"nav.canned": "Hazır yanıtlar",

	"canned.title": "Hazır yanıtlar",
	"canned.intro":
		"Bir sohbette / ve kısayolu yazarak yanıt ekleyin ya da Telegram'da yanıt olarak /c kısayol gönderin. {{visitor.name}}, {{visitor.email}}, {{visitor.phone}} ve {{agent.name}} doldurulur; boş olan yazılmaz.",
	"canned.new": "Yeni hazır yanıt",
	"canned.search": "Hazır yanıtlarda ara",
	"canned.empty": "Henüz hazır yanıt yok.",
	"canned.noMatch": "Eşleşen hazır yanıt yok.",
	"canned.loading": "Hazır yanıtlar yükleniyor…",
	"canned.shortcut": "Kısayol",
	"canned.shortcutHint": "Harf, rakam, - ve _; örneğin greet.",
	"canned.text": "Metin",
	"canned.scope": "Kimler kullanabilir",
	"canned.scope.personal": "Kişisel",
	"canned.scope.shared": "Ortak",
	"canned.scope.personalHint": "Yalnızca siz",
	"canned.scope.sharedHint": "Tüm ekip",
	"canned.sharedAdminsOnly": "Ortak yanıtları yalnızca yöneticiler ekleyip değiştirebilir.",
	"canned.save": "Kaydet",
	"canned.cancel": "Vazgeç",
	"canned.editButton": "Düzenle",
	"canned.deleteButton": "Sil",
	"canned.edit": "{shortcut} yanıtını düzenle",
	"canned.delete": "{shortcut} yanıtını sil",
	"canned.confirmDelete": "/{shortcut} hazır yanıtı silinsin mi?",
	"canned.confirmDeleteYes": "Sil",
	"canned.saved": "Hazır yanıt kaydedildi.",
	"canned.deleted": "Hazır yanıt silindi.",
	"canned.editTitle": "/{shortcut} yanıtını düzenle",
	"canned.newTitle": "Yeni hazır yanıt",
	"canned.list": "Hazır yanıtlar",

	"canned.error.shortcut_taken": "Bu kısayol zaten kullanılıyor. Başka bir tane seçin.",
	"canned.error.invalid_shortcut": "Kısayol 1-32 harf, rakam, - ya da _ olur; örneğin greet.",
	"canned.error.empty": "Yanıtın metnini yazın.",
	"canned.error.not_found": "Bu hazır yanıt artık yok.",

	"canned.picker": "Hazır yanıtlar",
	"canned.pickerEmpty": "“{query}” ile eşleşen hazır yanıt yok.",
	"canned.pickerLoading": "Yükleniyor…",
	"canned.pickerHint": "Seçmek için ↑↓, eklemek için Enter, kapatmak için Esc",
};
