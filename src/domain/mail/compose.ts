import type { MessageRow } from "../../adapters/db/repositories/chat.ts";

type Language = "tr" | "en";

const WORDS = {
  en: {
    repliesSubject: "New reply from {team}",
    repliesIntro: "You have a reply you have not seen yet:",
    repliesIntroMany: "You have replies you have not seen yet:",
    answerHint: "Reply to this e-mail, or continue in the chat on the website.",
    transcriptSubject: "Your conversation with {team}",
    transcriptIntro: "Here is the transcript of your conversation, as you asked.",
    you: "You",
    team: "Support",
    file: "file",
  },
  tr: {
    repliesSubject: "{team} size yanıt verdi",
    repliesIntro: "Henüz görmediğiniz bir yanıtınız var:",
    repliesIntroMany: "Henüz görmediğiniz yanıtlarınız var:",
    answerHint: "Bu e-postayı yanıtlayabilir ya da sitedeki sohbetten devam edebilirsiniz.",
    transcriptSubject: "{team} ile görüşmeniz",
    transcriptIntro: "İstediğiniz üzere görüşmenizin dökümü aşağıdadır.",
    you: "Siz",
    team: "Destek",
    file: "dosya",
  },
} as const;

export interface MailLine {
  author: string;
  at: number;
  body: string;
  files: string[];
}

export interface ComposedMail {
  subject: string;
  text: string;
  html: string;
}

export function mailLanguage(language: string | null, fallback: Language): Language {
  const primary = language?.slice(0, 2).toLowerCase();
  return primary === "tr" || primary === "en" ? primary : fallback;
}

/** The lines of a mail from stored messages: who wrote, when, what, and which files came with it. */
export function mailLines(messages: MessageRow[], names: Map<string, string>, files: Map<string, string[]>, language: Language): MailLine[] {
  const words = WORDS[language];
  return messages.map((message) => ({
    author: message.author_type === "visitor" ? words.you : (names.get(message.author_id ?? "") ?? words.team),
    at: message.created_at,
    body: message.body,
    files: files.get(message.id) ?? [],
  }));
}

/** The mail of replies the visitor has not seen. */
export function unseenRepliesMail(lines: MailLine[], language: Language, team: string, timezone: string): ComposedMail {
  const words = WORDS[language];
  const intro = lines.length > 1 ? words.repliesIntroMany : words.repliesIntro;
  return compose(words.repliesSubject.replace("{team}", team), intro, lines, words.answerHint, language, timezone);
}

/** The whole conversation, asked for by the visitor after it was resolved. */
export function transcriptMail(lines: MailLine[], language: Language, team: string, timezone: string): ComposedMail {
  const words = WORDS[language];
  return compose(words.transcriptSubject.replace("{team}", team), words.transcriptIntro, lines, "", language, timezone);
}

function compose(subject: string, intro: string, lines: MailLine[], hint: string, language: Language, timezone: string): ComposedMail {
  const words = WORDS[language];
  const time = new Intl.DateTimeFormat(language === "tr" ? "tr-TR" : "en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: timezone });
  const fileNote = (line: MailLine) => line.files.map((name) => `[${words.file}: ${name}]`);
  const text = [
    intro,
    "",
    ...lines.flatMap((line) => [`${line.author} (${time.format(line.at)}):`, ...[line.body, ...fileNote(line)].filter(Boolean), ""]),
    hint,
  ]
    .join("\n")
    .trim();
  const html = [
    `<p>${escapeHtml(intro)}</p>`,
    ...lines.map(
      (line) =>
        `<p><strong>${escapeHtml(line.author)}</strong> <small>${escapeHtml(time.format(line.at))}</small><br>${[line.body, ...fileNote(line)]
          .filter(Boolean)
          .map((part) => escapeHtml(part).replaceAll("\n", "<br>"))
          .join("<br>")}</p>`,
    ),
    hint ? `<p><small>${escapeHtml(hint)}</small></p>` : "",
  ].join("\n");
  return { subject, text, html };
}

function escapeHtml(value: string): string {
  return value.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}
