import { createECDH } from "node:crypto";
import type { Db } from "../../adapters/db/database.ts";
import { findPushKeys, savePushKeysOnce } from "../../adapters/db/repositories/push.ts";

/** The install's VAPID key pair, base64url: the public key is what browsers subscribe with. */
export interface PushKeys {
  publicKey: string;
  privateKey: string;
}

const cached = new WeakMap<Db, Promise<PushKeys>>();

function newKeyPair(): PushKeys {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  // A private key with leading zero bytes comes out short; VAPID wants all 32.
  const privateKey = Buffer.alloc(32);
  const raw = ecdh.getPrivateKey();
  raw.copy(privateKey, 32 - raw.length);
  return { publicKey: ecdh.getPublicKey().toString("base64url"), privateKey: privateKey.toString("base64url") };
}

async function loadOrCreate(db: Db, now: number): Promise<PushKeys> {
  const row = (await findPushKeys(db)) ?? (await savePushKeysOnce(db, newKeyPair(), now));
  return { publicKey: row.public_key, privateKey: row.private_key };
}

/**
 * The VAPID keys, made by the first node that needs them and kept in the database, so every node
 * signs with the same pair (a subscription is bound to the public key it was made with).
 */
export function pushKeys(db: Db, now: number): Promise<PushKeys> {
  let keys = cached.get(db);
  if (!keys) {
    keys = loadOrCreate(db, now);
    cached.set(db, keys);
    keys.catch(() => cached.delete(db));
  }
  return keys;
}
