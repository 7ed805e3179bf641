import type { Readable } from "node:stream";

/**
 * Where attachment and recording bytes live: a local directory by default, or an S3-compatible
 * bucket (STORAGE=s3). A key that is not stored rejects with an error whose `code` is "ENOENT", whatever the storage.
 */
export interface BlobStorage {
  put(key: string, data: Buffer): Promise<void>;
  /** Takes over a finished file (a recording) without reading it into memory; the source is removed. */
  putFile(key: string, sourcePath: string): Promise<void>;
  /** A stream of the bytes, optionally a [start, end] inclusive range. */
  read(key: string, range?: { start: number; end: number }): Promise<Readable>;
  size(key: string): Promise<number>;
  delete(key: string): Promise<void>;
}
