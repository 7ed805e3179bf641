import nodemailer from "nodemailer";
import { MailRefused, type MailSender, type OutgoingMail } from "../../domain/mail/mailPort.ts";

/** Sends over SMTP_URL (smtp:// with STARTTLS when offered, smtps:// for implicit TLS). */
export function createSmtpSender(smtpUrl: string, from: string): MailSender & { close(): void } {
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    // An SMTP server that hangs must not hold a delivery forever: the row is retried later.
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  });
  return {
    async send(mail: OutgoingMail) {
      try {
        await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, ...(mail.replyTo ? { replyTo: mail.replyTo } : {}) });
      } catch (error) {
        // 5xx: the server refused this mail for good (unknown mailbox, policy); anything else may heal.
        const code = (error as { responseCode?: unknown }).responseCode;
        if (typeof code === "number" && code >= 500 && code < 600) throw new MailRefused(error instanceof Error ? error.message : String(error));
        throw error;
      }
    },
    close: () => transport.close(),
  };
}

/** The display name of MAIL_FROM ("Destek <support@example.com>" → "Destek"), for subjects. */
export function senderName(from: string): string {
  const name = /^\s*"?([^"<]*?)"?\s*</.exec(from)?.[1]?.trim();
  return name || "destek";
}
