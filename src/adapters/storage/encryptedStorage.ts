import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { BlobStorage } from "../../domain/chat/storage.ts";

// Encryption at rest (ENCRYPT_FILES=true): every blob is AES-256-GCM in chunks of 64 KiB, so a byte
// range (audio and video seek with them) decrypts only the chunks it touches, and a recording is
// encrypted as it streams, never held whole in memory.
//
// Layout: header | chunk 0 | chunk 1 | … where
//   header  = "DSTKENC1" (8) | key id (8) | nonce prefix (8)
//   chunk i = ciphertext (64 KiB, the last one shorter, possibly empty) | tag (16)
// The nonce of chunk i is the file's random prefix and i (big-endian, 4 bytes): unique per key as
// long as prefixes do not repeat (2^64 of them). The additional data binds each chunk to its index and
// to whether it is the last, so chunks cannot be reordered and a truncated file fails to decrypt.
//
// Files without the header are read as they are: turning encryption on leaves older files
// readable, and turning it off leaves encrypted ones readable while the key is known.

const MAGIC = Buffer.from("DSTKENC1");
const HEADER_BYTES = MAGIC.length + 8 + 8;
export const CHUNK_BYTES = 64 * 1024;
const TAG_BYTES = 16;
const SEALED_CHUNK = CHUNK_BYTES + TAG_BYTES;

export interface FileKeys {
  /** New files are encrypted with it. */
  current: Buffer;
  /** Keys of earlier secrets, for reading files written before a rotation. */
  previous: Buffer[];
}

/** A key's public fingerprint, stored in each file's header to pick the key that opens it. */
export function fileKeyId(key: Buffer): Buffer {
  return createHmac("sha256", key).update("destek file key id").digest().subarray(0, 8);
}

function nonce(prefix: Buffer, index: number): Buffer {
  const value = Buffer.alloc(12);
  prefix.copy(value, 0);
  value.writeUInt32BE(index, 8);
  return value;
}

function chunkAad(index: number, last: boolean): Buffer {
  const aad = Buffer.alloc(5);
  aad.writeUInt32BE(index, 0);
  aad[4] = last ? 1 : 0;
  return aad;
}

function sealChunk(key: Buffer, prefix: Buffer, index: number, plain: Buffer, last: boolean): Buffer {
  const cipher = createCipheriv("aes-256-gcm", key, nonce(prefix, index));
  cipher.setAAD(chunkAad(index, last));
  return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

function openChunk(key: Buffer, prefix: Buffer, index: number, sealed: Buffer, last: boolean): Buffer {
  const decipher = createDecipheriv("aes-256-gcm", key, nonce(prefix, index));
  decipher.setAAD(chunkAad(index, last));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
}

/** Encrypts a stream of plain bytes into the layout above. */
async function* encrypt(key: Buffer, source: AsyncIterable<Buffer> | Iterable<Buffer>): AsyncGenerator<Buffer> {
  const prefix = randomBytes(8);
  yield Buffer.concat([MAGIC, fileKeyId(key), prefix]);
  let pending: Buffer = Buffer.alloc(0);
  let index = 0;
  for await (const piece of source) {
    pending = pending.length ? Buffer.concat([pending, piece]) : piece;
    // Keep at least one byte back: only at the end is it known which chunk is the last.
    while (pending.length > CHUNK_BYTES) {
      yield sealChunk(key, prefix, index++, pending.subarray(0, CHUNK_BYTES), false);
      pending = pending.subarray(CHUNK_BYTES);
    }
  }
  yield sealChunk(key, prefix, index, pending, true);
}

async function collect(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/** The plain size of an encrypted file from its stored size. */
function plainSize(storedBytes: number): number {
  const body = storedBytes - HEADER_BYTES;
  const chunks = Math.max(1, Math.ceil(body / SEALED_CHUNK));
  return body - chunks * TAG_BYTES;
}

export interface EncryptedStorage extends BlobStorage {
  /**
   * Rewrites one blob under the current key when it is plain or under an earlier key (turning
   * encryption on for old files, or finishing a key rotation); "current" when it already is.
   */
  reseal(key: string): Promise<"resealed" | "current">;
}

/**
 * Wraps a storage so new blobs are encrypted when `encryptWrites` is on, and encrypted blobs are
 * decrypted on read whatever the setting (see the layout above).
 */
export function createEncryptedStorage(inner: BlobStorage, keys: FileKeys, options: { encryptWrites: boolean }): EncryptedStorage {
  const currentId = fileKeyId(keys.current).toString("hex");
  const byId = new Map([keys.current, ...keys.previous].map((key) => [fileKeyId(key).toString("hex"), key]));

  /** The header of an encrypted blob, or undefined for a plain one. */
  const headerOf = async (key: string, storedBytes: number) => {
    if (storedBytes < HEADER_BYTES + TAG_BYTES) return undefined;
    const head = await collect(await inner.read(key, { start: 0, end: HEADER_BYTES - 1 }));
    if (!head.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
    const id = head.subarray(MAGIC.length, MAGIC.length + 8).toString("hex");
    const fileKey = byId.get(id);
    // An unknown key id: a plain upload that happens to start like an encrypted file (a visitor
    // could craft one), or a file of a key no longer configured; either way it is served as stored.
    if (!fileKey) return undefined;
    return { fileKey, keyId: id, prefix: head.subarray(MAGIC.length + 8, HEADER_BYTES) };
  };

  // One read of the stored chunks the range touches (one open file, however long the recording),
  // cut into sealed chunks as the bytes arrive.
  async function* decryptRange(key: string, stored: number, header: { fileKey: Buffer; prefix: Buffer }, start: number, end: number) {
    const lastIndex = Math.max(0, Math.ceil((stored - HEADER_BYTES) / SEALED_CHUNK) - 1);
    const first = Math.floor(start / CHUNK_BYTES);
    const last = Math.floor(end / CHUNK_BYTES);
    const from = HEADER_BYTES + first * SEALED_CHUNK;
    const to = Math.min(HEADER_BYTES + (last + 1) * SEALED_CHUNK, stored) - 1;
    let index = first;
    let pending: Buffer = Buffer.alloc(0);
    const open = function* (sealed: Buffer) {
      const plain = openChunk(header.fileKey, header.prefix, index, sealed, index === lastIndex);
      const offset = index * CHUNK_BYTES;
      index++;
      yield plain.subarray(Math.max(0, start - offset), Math.min(plain.length, end - offset + 1));
    };
    for await (const piece of await inner.read(key, { start: from, end: to })) {
      pending = pending.length ? Buffer.concat([pending, piece as Buffer]) : (piece as Buffer);
      while (pending.length >= SEALED_CHUNK && index < last) {
        yield* open(pending.subarray(0, SEALED_CHUNK));
        pending = pending.subarray(SEALED_CHUNK);
      }
    }
    if (index !== last) throw new Error(`stored file ${key} is shorter than its chunks`);
    yield* open(pending);
  }

  /** Encrypts a stream into a sibling of `nearPath`, which the inner storage then takes over under `key`. */
  const storeSealed = async (key: string, source: AsyncIterable<Buffer>, nearPath: string) => {
    const sealedPath = `${nearPath}.sealed`;
    try {
      await pipeline(Readable.from(encrypt(keys.current, source)), createWriteStream(sealedPath, { mode: 0o600 }));
      await inner.putFile(key, sealedPath);
    } finally {
      await rm(sealedPath, { force: true });
    }
  };

  const storage: EncryptedStorage = {
    async put(key, data) {
      if (!options.encryptWrites) return inner.put(key, data);
      return inner.put(key, await collect(Readable.from(encrypt(keys.current, [data]))));
    },
    async putFile(key, sourcePath) {
      if (!options.encryptWrites) return inner.putFile(key, sourcePath);
      await storeSealed(key, createReadStream(sourcePath), sourcePath);
      await rm(sourcePath, { force: true });
    },
    async reseal(key) {
      const header = await headerOf(key, await inner.size(key));
      if (header?.keyId === currentId) return "current";
      const scratch = await mkdtemp(join(tmpdir(), "destek-reseal-"));
      try {
        await storeSealed(key, await storage.read(key), join(scratch, "blob"));
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
      return "resealed";
    },
    async read(key, range) {
      const stored = await inner.size(key);
      const header = await headerOf(key, stored);
      if (!header) return inner.read(key, range);
      const size = plainSize(stored);
      const start = range?.start ?? 0;
      const end = Math.min(range?.end ?? size - 1, size - 1);
      if (end < start) return Readable.from([]);
      return Readable.from(decryptRange(key, stored, header, start, end));
    },
    async size(key) {
      const stored = await inner.size(key);
      return (await headerOf(key, stored)) ? plainSize(stored) : stored;
    },
    async delete(key) {
      await inner.delete(key);
    },
  };
  return storage;
}
