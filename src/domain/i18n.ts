/** Texts the server itself writes (Telegram messages), in Turkish and English. */
const texts = {
  loginCode: {
    tr: (code: string) => `destek giriş kodunuz: ${code}\n5 dakika geçerlidir. Giriş yapmaya çalışan siz değilseniz parolanızı değiştirin.`,
    en: (code: string) => `Your destek sign-in code: ${code}\nIt expires in 5 minutes. If you did not try to sign in, change your password.`,
  },
  telegramLinked: {
    tr: (name: string) => `Bu sohbet ${name} hesabına bağlandı. Giriş kodları ve bildirimler buraya gelecek.`,
    en: (name: string) => `This chat is now linked to ${name}. Sign-in codes and alerts will arrive here.`,
  },
  telegramLinkInvalid: {
    tr: () => "Bu bağlantının süresi dolmuş ya da kullanılmış. Konsoldan yeni bir bağlantı alın.",
    en: () => "This link has expired or was already used. Get a new one from the console.",
  },
  telegramLinkPrivateOnly: {
    tr: () => "Hesap bağlamak için bu bağlantıyı botla özel sohbette açın.",
    en: () => "Open this link in a private chat with the bot to link your account.",
  },
  welcome: {
    tr: () => "Merhaba! Bu bot destek ekibinin bildirim botudur. Hesabınızı bağlamak için konsoldaki bağlantıyı kullanın.",
    en: () => "Hello! This is the support team's notification bot. Use the link in the console to link your account.",
  },
  newConversation: {
    tr: (who: string) => `🆕 ${who} yeni bir sohbet başlattı`,
    en: (who: string) => `🆕 ${who} started a conversation`,
  },
  visitorWrote: {
    tr: (who: string) => `💬 ${who}`,
    en: (who: string) => `💬 ${who}`,
  },
  replyHint: {
    tr: () => "Yanıtlamak için bu mesajı yanıtlayın (Reply).",
    en: () => "Reply to this message to answer.",
  },
  noOpenConversations: {
    tr: () => "Açık sohbet yok. 🎉",
    en: () => "No open conversations. 🎉",
  },
  openConversation: {
    tr: (who: string, unread: string) => `📂 ${who}${unread}`,
    en: (who: string, unread: string) => `📂 ${who}${unread}`,
  },
  cannedUsage: {
    tr: () => "Hazır yanıt göndermek için bir sohbet mesajını /c <kısayol> ile yanıtlayın, örneğin /c greet.",
    en: () => "To send a canned reply, answer a conversation message with /c <shortcut>, such as /c greet.",
  },
  cannedUnknown: {
    tr: (shortcut: string, close: string) => `"${shortcut}" adında hazır yanıt yok.${close ? ` Yakın olanlar: ${close}` : " Hazır yanıtlarınızı konsolda, Hazır yanıtlar sayfasında görebilirsiniz."}`,
    en: (shortcut: string, close: string) => `No canned reply "${shortcut}".${close ? ` Close matches: ${close}` : " See your canned replies in the console, on the Canned replies page."}`,
  },
  resolved: {
    tr: () => "✅ Sohbet çözüldü olarak işaretlendi.",
    en: () => "✅ Conversation resolved.",
  },
  calling: {
    tr: (who: string, video: boolean) => `📞 ${who} arıyor${video ? " (görüntülü)" : ""}`,
    en: (who: string, video: boolean) => `📞 ${who} is calling${video ? " (video)" : ""}`,
  },
  missedCall: {
    tr: (who: string) => `☎️ Cevapsız arama: ${who}. Ziyaretçiye sohbetten yazabilirsiniz.`,
    en: (who: string) => `☎️ Missed call from ${who}. You can write to them in the chat.`,
  },
  accept: { tr: () => "Kabul et", en: () => "Accept" },
  reject: { tr: () => "Reddet", en: () => "Reject" },
  acceptInTelegram: { tr: () => "Telegram'da kabul et", en: () => "Accept in Telegram" },
  acceptInBrowser: { tr: () => "Tarayıcıda kabul et", en: () => "Accept in browser" },
  callRejected: {
    tr: (who: string) => `Reddedildi (${who})`,
    en: (who: string) => `Rejected by ${who}`,
  },
  callAcceptedByYou: {
    tr: () => "Aramayı siz aldınız",
    en: () => "You took the call",
  },
  callTakenBy: {
    tr: (who: string) => `✅ Aramayı ${who} aldı`,
    en: (who: string) => `✅ ${who} took the call`,
  },
  callAlreadyTaken: {
    tr: (who: string) => `Bu aramayı ${who} aldı.`,
    en: (who: string) => `${who} took this call.`,
  },
  callNotWaiting: {
    tr: () => "Bu arama artık beklemiyor.",
    en: () => "This call is no longer waiting.",
  },
  agentBusy: {
    tr: () => "Başka bir görüşmedesiniz. Bu aramayı almak için önce onu kapatın.",
    en: () => "You are already in a call. Hang up first to take another.",
  },
  openCall: {
    tr: (who: string) => `📞 ${who} ile görüşmeyi aldınız. Konuşmak için konsolda açın:`,
    en: (who: string) => `📞 You took the call from ${who}. Open it in the console to talk:`,
  },
  openCallButton: { tr: () => "Görüşmeyi aç", en: () => "Open the call" },
  telegramNotLinked: {
    tr: () => "Telegram hesabınız bir destek temsilcisine bağlı değil. Konsolda Ayarlar → Telegram bölümünden bağlayın.",
    en: () => "Your Telegram account is not linked to a destek agent. Link it in the console under Settings → Telegram.",
  },
  alertFlood: {
    tr: (count: number) => `🌊 Son bir dakikada ${count} yeni sohbet başladı. Listelemek için /open yazın.`,
    en: (count: number) => `🌊 ${count} new conversations in the last minute, /open to list them.`,
  },
  deliveryGivenUp: {
    tr: (chat: string, reason: string) => `⚠️ ${chat} sohbetine bir Telegram bildirimi gönderilemedi ve bırakıldı: ${reason}`,
    en: (chat: string, reason: string) => `⚠️ A Telegram notification to chat ${chat} could not be delivered and was given up: ${reason}`,
  },
  noteMention: {
    tr: (author: string, visitor: string, note: string) => `📝 ${author} sizi ${visitor} sohbetindeki bir notta andı (özel not, ziyaretçiye gitmez):\n\n${note}`,
    en: (author: string, visitor: string, note: string) => `📝 ${author} mentioned you in a note on the conversation with ${visitor} (private note, not sent to the visitor):\n\n${note}`,
  },
  rated: {
    tr: (visitor: string, score: number, comment: string) => `⭐ ${visitor} sohbeti ${score}/5 puanladı${comment ? `: ${comment}` : ""}`,
    en: (visitor: string, score: number, comment: string) => `⭐ ${visitor} rated ${score}/5${comment ? `: ${comment}` : ""}`,
  },
  callbackRequested: {
    tr: (visitor: string, phone: string, note: string) => `📞 ${visitor} geri aranmak istiyor: ${phone}${note ? `\n\n${note}` : ""}\n\nKonsolda: Geri aramalar`,
    en: (visitor: string, phone: string, note: string) => `📞 ${visitor} asks for a call back: ${phone}${note ? `\n\n${note}` : ""}\n\nIn the console: Call backs`,
  },
} as const;

export type Language = "tr" | "en";
export type TextKey = keyof typeof texts;

export function text<K extends TextKey>(key: K, language: Language, ...args: Parameters<(typeof texts)[K]["en"]>): string {
  const render = texts[key][language] as (...a: typeof args) => string;
  return render(...args);
}
