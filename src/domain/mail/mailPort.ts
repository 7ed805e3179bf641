/** One mail to send; text and HTML carry the same content. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The visitor's answer goes here (reply+<token>@…) when inbound mail is configured. */
  replyTo?: string | undefined;
}

/** What the domain needs from an SMTP server. Throws MailRefused when the server refuses for good. */
export interface MailSender {
  send(mail: OutgoingMail): Promise<void>;
}

/** The mail server answered with a permanent refusal (5xx): retrying will not help. */
export class MailRefused extends Error {
  override name = "MailRefused";
}
