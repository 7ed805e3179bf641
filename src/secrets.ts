import { hkdfSync, randomBytes } from "node:crypto";
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Purpose-bound keys derived from one master secret, so one value to back up or share between nodes. */
export interface Keys {
  jwt: Uint8Array;
  otp: Buffer;
  tokenHash: Buffer;
  totpEncryption: Buffer;
  /** Signs recording playback links; separate from attachment links, so one never opens the other. */
  recordingLinks: Buffer;
  /** Signs the media-session cookie that binds recording links to one agent session (see signedLinks.ts). */
  mediaSessions: Buffer;
  /** Signs attachment links; not the token-hash key, so no other keyed hash can ever pass as a file link. */
  attachmentLinks: Buffer;
  /** The identity secret a website uses to sign its users' ids (shown to admins, see domain/chat/identity.ts). */
  identity: Buffer;
  /** Signs the reply+<token> e-mail addresses that lead a visitor's mail back to their conversation. */
  mailReply: Buffer;
  /** Encrypts stored attachments and recordings (ENCRYPT_FILES); see adapters/storage/encryptedStorage.ts. */
  files: Buffer;
  /** Signs the short-lived "Accept in browser" links under Telegram call alerts (domain/calls/telegramMiniApp.ts). */
  callLinks: Buffer;
  /** Seals the webhooks' signing secrets at rest (they must be read back to sign each delivery). */
  webhookSecrets: Buffer;
}

/**
 * Returns SECRET_KEY when given; otherwise the key kept in DATA_DIR/secret.key, created on first run.
 * Every process of one deployment must share it (set SECRET_KEY when running several).
 */
export function loadMasterSecret(dataDir: string, configured: string | undefined): string {
  if (configured) return configured;
  const file = join(dataDir, "secret.key");
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    // Write a complete temporary file, then link it into place: a process starting at the same
    // moment sees either no key or the whole key, and the first link wins.
    const temporary = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
    writeFileSync(temporary, `${randomBytes(48).toString("base64url")}\n`, { mode: 0o600, flag: "wx" });
    try {
      linkSync(temporary, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      unlinkSync(temporary);
    }
  }
  const secret = readFileSync(file, "utf8").trim();
  if (secret.length < 32) throw new Error(`${file} holds no usable secret (under 32 characters); delete it or set SECRET_KEY`);
  return secret;
}

export function deriveKeys(master: string): Keys {
  const derive = (purpose: string) => Buffer.from(hkdfSync("sha256", master, "destek", purpose, 32));
  return {
    jwt: derive("jwt-hs256"),
    otp: derive("otp-hmac"),
    tokenHash: derive("token-hash"),
    totpEncryption: derive("totp-aes-256-gcm"),
    webhookSecrets: derive("webhook-secret-aes-256-gcm"),
    recordingLinks: derive("recording-link-hmac"),
    attachmentLinks: derive("attachment-link-hmac"),
    mediaSessions: derive("media-session-hmac"),
    identity: derive("visitor-identity-hmac"),
    mailReply: derive("mail-reply-hmac"),
    files: derive("files-aes-256-gcm"),
    callLinks: derive("call-link-hmac"),
  };
}
