import type { InboxesMessageKey } from "./inboxesEn";

/** Gelen kutuları sayfalarının Türkçe metinleri (yöneticiler): her web sitesi için bir gelen kutusu. */
export const inboxesTr: Record<InboxesMessageKey, string> = {
	"inboxes.settingsSection": "Bu web sitesinin ayarları",
	"nav.inboxes": "Web siteleri",

	"inboxes.title": "Web siteleri",
	"inboxes.intro":
		"Her web sitesi için bir gelen kutusu. Bir gelen kutusunun kodunu sitesine yapıştırın: oradan gelen yazışmalar ve aramalar o gelen kutusuna düşer ve üyeleri yanıtlar. Yöneticiler tüm gelen kutularını görür.",
	"inboxes.name": "Ad",
	"inboxes.create": "Gelen kutusu oluştur",
	"inboxes.created": "{name} gelen kutusu oluşturuldu.",
	"inboxes.loading": "Gelen kutuları yükleniyor…",
	"inboxes.list": "Gelen kutuları",
	"inboxes.default": "Varsayılan",
	"inboxes.members": "{count} üye",
	"inboxes.open": "{name} gelen kutusunu aç",
	"inboxes.snippet": "Site kodu",
	"inboxes.snippetHint": "Sitenin her sayfasında </body> etiketinden önce yapıştırın.",
	"inboxes.back": "Tüm gelen kutuları",
	"inboxes.rename": "Yeniden adlandır",
	"inboxes.renamed": "Gelen kutusunun adı değişti.",
	"inboxes.membersTitle": "Üyeler",
	"inboxes.membersHint": "Üyeler bu gelen kutusunun yazışmalarını ve aramalarını görür. Yöneticiler tüm gelen kutularını görür.",
	"inboxes.saveMembers": "Üyeleri kaydet",
	"inboxes.membersSaved": "Üyeler kaydedildi.",
	"inboxes.admin": "yönetici",
	"inboxes.delete": "Gelen kutusunu sil",
	"inboxes.deleteHint": "Yalnızca hiç yazışması ya da araması olmayan bir gelen kutusu silinebilir. Varsayılan gelen kutusu kalır.",
	"inboxes.confirmDelete": "{name} gelen kutusu silinsin mi? Kodu artık bir gelen kutusunu göstermez; ziyaretçileri varsayılan gelen kutusuna düşer.",
	"inboxes.confirmDeleteYes": "Sil",
	"inboxes.cancel": "Vazgeç",
	"inboxes.deleted": "Gelen kutusu silindi.",
	"inboxes.notFound": "Bu gelen kutusu yok (artık).",
};
