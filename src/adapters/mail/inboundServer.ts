import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from "smtp-server";
import type { AppDeps } from "../../deps.ts";
import { DomainError } from "../../domain/errors.ts";
import { acceptReplyRecipient, receiveEmailReply } from "../../domain/mail/incoming.ts";
import type { BackgroundJob } from "../backgroundJob.ts";

/** SMTP's answer to a refusal: 550 for who may not write here, 452/451 to try later, 552 too large. */
function smtpError(message: string, responseCode: number): Error {
  return Object.assign(new Error(message), { responseCode });
}

function refusalOf(error: unknown): Error {
  if (isSmtpRefusal(error)) return error;
  if (error instanceof DomainError) {
    if (error.kind === "rate_limited") return smtpError("Too many replies; try again later", 452);
    if (error.kind === "unavailable") return smtpError("Temporarily unavailable; try again later", 451);
    if (error.kind === "too_large" || error.kind === "storage_full") return smtpError(error.message, 552);
    return smtpError(error.message, 550);
  }
  return smtpError("Temporarily unavailable; try again later", 451);
}

function isSmtpRefusal(error: unknown): error is Error & { responseCode: number } {
  return error instanceof Error && typeof (error as { responseCode?: unknown }).responseCode === "number";
}

export interface InboundMailJob extends BackgroundJob {
  /** The port it listens on once ready (0 asked for a free one); undefined when off. */
  listening: Promise<number | undefined>;
}

/**
 * The SMTP listener for visitors' replies (SMTP_INBOUND_PORT): only reply+<token>@MAIL_REPLY_DOMAIN
 * recipients whose conversation's visitor is the sender are accepted, at RCPT time; no AUTH, so it
 * relays nothing. Messages are limited in size; the reply lands in its conversation as the visitor's message.
 */
export function startInboundMailJob(deps: AppDeps): InboundMailJob {
  const inbound = deps.config.inboundMail;
  if (!inbound) return { listening: Promise.resolve(undefined), stop() {} };
  const { domain, log } = deps;
  // Attachments arrive base64-encoded (a third larger), plus the text and headers.
  const maxBytes = Math.ceil(domain.chat.uploadMaxBytes * 1.4) + 1024 * 1024;
  const server = new SMTPServer({
    name: inbound.domain,
    banner: "destek reply service",
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    size: maxBytes,
    // A shutdown waits this long for a mail in flight (within main's 10 s grace), then cuts it; the sender retries.
    closeTimeout: 5000,
    logger: false,
    onRcptTo(address, session, callback) {
      if (session.envelope.rcptTo.length >= 1) return callback(smtpError("One recipient per mail", 452));
      const sender = session.envelope.mailFrom ? session.envelope.mailFrom.address : "";
      acceptReplyRecipient(domain, address.address, sender, inbound.domain).then(
        () => callback(),
        (error: unknown) => {
          if (!(error instanceof DomainError)) log.error({ err: error }, "checking an e-mail recipient failed");
          callback(refusalOf(error));
        },
      );
    },
    onData(stream, session, callback) {
      receive(stream, session).then(
        () => callback(),
        (error: unknown) => {
          if (!(error instanceof DomainError) && !isSmtpRefusal(error)) log.error({ err: error }, "storing an e-mail reply failed");
          callback(refusalOf(error));
        },
      );
    },
  });
  server.on("error", (err) => log.error({ err }, "SMTP listener error"));

  const receive = async (stream: SMTPServerDataStream, session: SMTPServerSession) => {
    const parsed = await simpleParser(stream);
    if (stream.sizeExceeded) throw smtpError(`Message too large (at most ${maxBytes} bytes)`, 552);
    const recipient = session.envelope.rcptTo[0]?.address ?? "";
    const sender = session.envelope.mailFrom ? session.envelope.mailFrom.address : "";
    const { visitor } = await acceptReplyRecipient(domain, recipient, sender, inbound.domain);
    const { sent, refusedFiles } = await receiveEmailReply(domain, {
      visitor,
      messageId: parsed.messageId,
      text: parsed.text ?? "",
      files: parsed.attachments.filter((a) => !a.related).map((a) => ({ fileName: a.filename, content: a.content })),
      remoteAddress: session.remoteAddress,
    });
    log.info({ conversationId: sent.message.conversationId, refusedFiles, duplicate: sent.duplicate }, "e-mail reply received");
  };

  const listening = new Promise<number | undefined>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(inbound.port, deps.config.host, () => resolve((server.server.address() as AddressInfo).port));
  });
  listening.then(
    (port) => log.info({ port, domain: inbound.domain }, "SMTP listener for e-mail replies is up"),
    (err: unknown) => log.error({ err, port: inbound.port }, "the SMTP listener for e-mail replies could not start"),
  );
  return {
    listening,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
