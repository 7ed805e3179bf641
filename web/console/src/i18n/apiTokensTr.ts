import type { ApiTokensMessageKey } from "./apiTokensEn";

/** Turkish strings of the API tokens page (admins). */
export const apiTokensTr: Record<ApiTokensMessageKey, string> = {
	"nav.apiTokens": "API erişimi",

	"apiTokens.title": "API anahtarları",
	"apiTokens.intro":
		"Anahtarlar başka sistemlerin destek'in REST API'sini kullanmasını sağlar. Bir anahtar, onu oluşturan yönetici adına ve yalnızca verilen yetkilerle çalışır. Yalnızca bir kez gösterilir: güvenli bir yere kopyalayın.",
	"apiTokens.docs": "API belgeleri",
	"apiTokens.new": "Yeni anahtar",
	"apiTokens.formTitle": "Yeni API anahtarı",
	"apiTokens.name": "Ad",
	"apiTokens.nameHint": "Onu kullanan sistem, örn. “CRM eşitleme”.",
	"apiTokens.scopes": "Yetkiler",
	"apiTokens.noScope": "En az bir yetki seçin.",
	"apiTokens.create": "Anahtar oluştur",
	"apiTokens.cancel": "Vazgeç",
	"apiTokens.createdTitle": "“{name}” anahtarı oluşturuldu",
	"apiTokens.createdHint": "Anahtar yalnızca bu kez gösterilir. Authorization: Bearer <anahtar> başlığında gönderin.",
	"apiTokens.token": "Anahtar",
	"apiTokens.done": "Tamam",
	"apiTokens.list": "API anahtarları",
	"apiTokens.loading": "Anahtarlar yükleniyor…",
	"apiTokens.empty": "Henüz API anahtarı yok.",
	"apiTokens.endsWith": "Sonu {lastFour}",
	"apiTokens.createdBy": "{when} tarihinde {name} oluşturdu",
	"apiTokens.lastUsed": "Son kullanım {when}",
	"apiTokens.neverUsed": "Hiç kullanılmadı",
	"apiTokens.revokedAt": "{when} tarihinde iptal edildi",
	"apiTokens.revoke": "İptal et",
	"apiTokens.confirmRevoke": "“{name}” iptal edilsin mi? Onu kullanan her şey hemen durur.",
	"apiTokens.confirmRevokeYes": "Anahtarı iptal et",
	"apiTokens.revoked": "“{name}” anahtarı iptal edildi.",
};
