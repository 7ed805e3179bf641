import type { LabelsMessageKey } from "./labelsEn";

/** Etiketler: yönetim sayfası, konuşmanın Etiketler menüsü ve rozetleri, gelen kutusu filtreleri (Türkçe). */
export const labelsTr: Record<LabelsMessageKey, string> = {
	"nav.labels": "Etiketler",

	"labels.title": "Etiketler",
	"labels.intro": "Etiketler konuşmaları düzenler: her temsilci bir konuşmaya etiket ekler, gelen kutusu etikete göre filtrelenir. Etiketleri yalnızca yöneticiler ekler, yeniden adlandırır ve siler.",
	"labels.new": "Yeni etiket",
	"labels.newTitle": "Yeni etiket",
	"labels.editTitle": "{name} etiketini düzenle",
	"labels.name": "Etiket adı",
	"labels.colour": "Renk",
	"labels.save": "Kaydet",
	"labels.cancel": "Vazgeç",
	"labels.editButton": "Düzenle",
	"labels.deleteButton": "Sil",
	"labels.edit": "{name} etiketini düzenle",
	"labels.delete": "{name} etiketini sil",
	"labels.confirmDelete": "{name} etiketi silinsin mi? Bu etiketi taşıyan tüm konuşmalardan kaldırılır.",
	"labels.confirmDeleteYes": "Sil",
	"labels.saved": "Etiket kaydedildi.",
	"labels.deleted": "Etiket silindi.",
	"labels.loading": "Etiketler yükleniyor…",
	"labels.empty": "Henüz etiket yok.",
	"labels.list": "Etiketler",
	"labels.preview": "Önizleme",

	"labels.menu": "Etiketler",
	"labels.menuEmpty": "Henüz etiket yok. Yöneticiler Etiketler sayfasından ekler.",
	"labels.onConversation": "Bu konuşmanın etiketleri",

	"labels.error.name_taken": "Bu adda bir etiket zaten var.",
	"labels.error.name_empty": "Etikete bir ad verin.",
	"labels.error.name_too_long": "Etiket adı en fazla 40 karakter olabilir.",
	"labels.error.not_found": "Bu etiket artık yok.",
	"labels.error.limit": "Çok fazla etiket var; önce bazılarını silin.",
	"labels.error.conversation_limit": "Bu konuşma taşıyabileceği en fazla etikete ulaştı.",

	"timeline.labeled": "{label} etiketi eklendi",
	"timeline.unlabeled": "{label} etiketi kaldırıldı",

	"filter.status": "Duruma göre filtrele",
	"filter.assignee": "Atanana göre filtrele",
	"filter.inbox": "Gelen kutusuna göre filtrele",
	"filter.label": "Etikete göre filtrele",
	"filter.status.all": "Tümü",
	"filter.inbox.all": "Tüm gelen kutuları",
	"filter.label.all": "Tüm etiketler",
	"filter.assignee.all": "Tüm atananlar",
	"filter.assignee.agents": "Temsilciler",
	"filter.clear": "Filtreleri temizle",
	"filter.noMatch": "Bu filtrelerle eşleşen konuşma yok.",
};
