import { hkdfSync, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Purpose-bound keys derived from one master secret, so one value to back up or share between nodes. */
export interface Keys {
  jwt: Uint8Array;
  otp: Buffer;
  tokenHash: Buffer;
  totpEncryption: Buffer;
}

/**
 * Returns SECRET_KEY when given; otherwise the key kept in DATA_DIR/secret.key, created on first run.
 * Every process of one deployment must share it (set SECRET_KEY when running several).
 */
export function loadMasterSecret(dataDir: string, configured: string | undefined): string {
  if (configured) return configured;
  const file = join(dataDir, "secret.key");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString("base64url");
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
  return secret;
}

export function deriveKeys(master: string): Keys {
  const derive = (purpose: string) => Buffer.from(hkdfSync("sha256", master, "destek", purpose, 32));
  return {
    jwt: derive("jwt-hs256"),
    otp: derive("otp-hmac"),
    tokenHash: derive("token-hash"),
    totpEncryption: derive("totp-aes-256-gcm"),
  };
}
