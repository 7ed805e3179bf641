import { createReadStream } from "node:fs";
import { rm, stat } from "node:fs/promises";
import { Readable } from "node:stream";
import type { S3Client } from "@aws-sdk/client-s3";
import type { Logger } from "pino";
import type { S3Config } from "../../config.ts";
import type { BlobStorage } from "../../domain/chat/storage.ts";
import { ServiceOutage } from "../../domain/outage.ts";
import type { OutageLog } from "../outages.ts";
import { assertStorageKey } from "./localStorage.ts";

/** The most one PutObject takes; a recording larger than this would need a multipart upload. */
const MAX_PUT_BYTES = 5 * 1024 ** 3;
/** Tries of a recording's upload: the SDK does not retry a streamed body, so putFile reopens the file itself. */
const PUT_FILE_ATTEMPTS = 3;

/** A blob that is not in the bucket: the same `ENOENT` the local directory gives, so callers answer 404 alike. */
class MissingBlob extends Error {
  override name = "MissingBlob";
  readonly code = "ENOENT";
}

/** The bucket did not answer HeadBucket; `refused`: it answered no (missing, forbidden), which waiting does not cure. */
export class BucketProblem extends Error {
  override name = "BucketProblem";
  constructor(
    message: string,
    readonly refused: boolean,
    cause: unknown,
  ) {
    super(message, { cause });
  }
}

/**
 * The start-up check of STORAGE=s3: a bucket that refuses (missing, wrong keys or region) stops the
 * start with the reason; one that cannot be reached is logged and the node starts (uploads and
 * downloads answer 503 until it is back).
 */
export async function checkBucketAtStart(bucket: S3Storage, log: Logger): Promise<void> {
  try {
    await bucket.check();
    log.info(`file storage: ${bucket.where} answers`);
  } catch (error) {
    if (error instanceof BucketProblem && error.refused) throw error;
    log.error({ err: error }, `file storage unavailable: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export interface S3Storage extends BlobStorage {
  /** Resolves when the bucket answers (HeadBucket); otherwise rejects with a sentence an operator can act on. */
  check(): Promise<void>;
  /** Releases the client's connections. */
  close(): void;
  /** The bucket and service, for log lines: `bucket "files" at http://minio:9000`. */
  readonly where: string;
}

type Sdk = typeof import("@aws-sdk/client-s3");
let sdk: Promise<Sdk> | undefined;
/** The SDK is large (a fifth of a second to load): only a node with STORAGE=s3 loads it, on first use. */
function loadSdk(): Promise<Sdk> {
  // The SDK warns on Node 20 that its releases after January 2027 need Node 22: destek pins a release
  // that runs on 20, and the warning's lines on stderr would break the one-line start-up messages.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  sdk ??= import("@aws-sdk/client-s3");
  return sdk;
}

/** The HTTP status of an error S3 answered with; undefined when no answer came (network, DNS, credentials). */
function statusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null || !("$metadata" in error)) return undefined;
  const metadata = (error as { $metadata?: { httpStatusCode?: number } }).$metadata;
  return metadata?.httpStatusCode;
}

/** Whether S3 said "no such key". A HEAD answer has no body, so a missing object is a bare 404. */
function isMissing(error: unknown): boolean {
  return error instanceof Error && statusOf(error) === 404 && (error.name === "NoSuchKey" || error.name === "NotFound");
}

/** A refusal that waiting does not cure (access denied, no such bucket, a bad request) rather than an unreachable or failing service. */
function isRefusal(error: unknown): boolean {
  const status = statusOf(error) ?? 0;
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/**
 * Blobs as objects in an S3-compatible bucket (AWS S3, MinIO, Ceph, R2, Garage…). Every node sees the
 * same bytes without a shared directory. Downloads stream with GetObject (a Range for byte ranges);
 * recordings upload as a stream from their finished file, never read into memory.
 */
export function createS3Storage(settings: S3Config, outages: OutageLog): S3Storage {
  let client: S3Client | undefined;
  /** The SDK and this bucket's client, made on first use. */
  const s3 = async () => {
    const loaded = await loadSdk();
    client ??= new loaded.S3Client({
      region: settings.region,
      ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
      forcePathStyle: settings.forcePathStyle,
      ...(settings.credentials ? { credentials: settings.credentials } : {}),
      // Checksums only where S3 requires them: with the SDK's newer default, uploads are sent in
      // aws-chunked encoding with a trailing checksum, which many S3-compatible servers refuse.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      requestHandler: { connectionTimeout: 5_000 },
    });
    return { sdk: loaded, client };
  };
  const Bucket = settings.bucket;
  const where = `bucket "${Bucket}"${settings.endpoint ? ` at ${settings.endpoint}` : ` in ${settings.region}`}`;

  /** Runs one S3 call: a missing key becomes ENOENT, an unreachable or failing service a ServiceOutage (503, logged once). */
  async function call<T>(what: string, key: string, send: (s3: { sdk: Sdk; client: S3Client }) => Promise<T>): Promise<T> {
    const loaded = await s3();
    try {
      const result = await send(loaded);
      outages.restored("storage");
      return result;
    } catch (error) {
      if (isMissing(error)) {
        outages.restored("storage");
        throw new MissingBlob(`no stored object ${key} in ${where}`, { cause: error });
      }
      if (isRefusal(error)) {
        const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        throw new Error(`S3 refused to ${what} ${key} in ${where} (${reason})`, { cause: error });
      }
      throw outages.lost("storage", error);
    }
  }

  const putFileOnce = async (key: string, sourcePath: string, size: number) => {
    const body = createReadStream(sourcePath);
    try {
      await call("store", key, ({ sdk, client }) => client.send(new sdk.PutObjectCommand({ Bucket, Key: key, Body: body, ContentLength: size })));
    } finally {
      body.destroy();
    }
  };

  return {
    async put(key, data) {
      assertStorageKey(key);
      await call("store", key, ({ sdk, client }) => client.send(new sdk.PutObjectCommand({ Bucket, Key: key, Body: data, ContentLength: data.length })));
    },
    async putFile(key, sourcePath) {
      assertStorageKey(key);
      const { size } = await stat(sourcePath);
      if (size > MAX_PUT_BYTES) throw new Error(`${sourcePath} is ${size} bytes, more than one S3 upload takes (5 GiB)`);
      for (let attempt = 1; ; attempt++) {
        try {
          await putFileOnce(key, sourcePath, size);
          break;
        } catch (error) {
          if (!(error instanceof ServiceOutage) || attempt >= PUT_FILE_ATTEMPTS) throw error;
          await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
        }
      }
      await rm(sourcePath, { force: true });
    },
    async read(key, range) {
      assertStorageKey(key);
      const response = await call("read", key, ({ sdk, client }) =>
        client.send(new sdk.GetObjectCommand({ Bucket, Key: key, ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) })),
      );
      // In Node the body is the HTTP response itself: streamed as it arrives, with its back-pressure.
      const body = response.Body instanceof Readable ? response.Body : Readable.from([]);
      return range ? exactRange(body, range, response.ContentRange, key) : body;
    },
    async size(key) {
      assertStorageKey(key);
      const head = await call("look up", key, ({ sdk, client }) => client.send(new sdk.HeadObjectCommand({ Bucket, Key: key })));
      return head.ContentLength ?? 0;
    },
    async delete(key) {
      assertStorageKey(key);
      // S3 answers a delete of a missing key as a success, as the local directory does.
      await call("delete", key, ({ sdk, client }) => client.send(new sdk.DeleteObjectCommand({ Bucket, Key: key })));
    },
    async check() {
      const { sdk, client } = await s3();
      try {
        await client.send(new sdk.HeadBucketCommand({ Bucket }));
      } catch (error) {
        const refused = isRefusal(error) || statusOf(error) === 301 || (error instanceof Error && error.name === "CredentialsProviderError");
        throw new BucketProblem(bucketProblem(error, where, settings), refused, error);
      }
    },
    close() {
      client?.destroy();
    },
    where,
  };
}

/**
 * The bytes of `range` from a GetObject answer. S3 sends exactly those; a server that ignores the
 * Range header (200, the whole object) or sends more than asked (s3rver answers "bytes=0-0" with
 * the whole object) is cut to them, so a 206 never carries more bytes than its Content-Length.
 */
function exactRange(body: Readable, range: { start: number; end: number }, contentRange: string | undefined, key: string): Readable {
  if (!contentRange) return Readable.from(slice(body, range.start, range.end - range.start + 1));
  const sent = contentRange.match(/^bytes (\d+)-(\d+)\/(\d+|\*)$/);
  if (!sent || Number(sent[1]) !== range.start) {
    body.destroy();
    throw new Error(`S3 answered ${key} bytes ${range.start}-${range.end} with Content-Range ${contentRange}`);
  }
  const total = sent[3] === "*" ? Number.POSITIVE_INFINITY : Number(sent[3]);
  const end = Math.min(range.end, total - 1);
  return Number(sent[2]) === end ? body : Readable.from(slice(body, 0, end - range.start + 1));
}

/** `length` bytes of `source` after the first `skip`; the rest is not read (the connection is dropped). */
async function* slice(source: Readable, skip: number, length: number): AsyncGenerator<Buffer> {
  let toSkip = skip;
  let left = length;
  for await (const chunk of source) {
    let piece = chunk as Buffer;
    if (toSkip) {
      const dropped = Math.min(toSkip, piece.length);
      toSkip -= dropped;
      piece = piece.subarray(dropped);
    }
    if (!piece.length) continue;
    if (piece.length >= left) {
      yield piece.subarray(0, left);
      return;
    }
    left -= piece.length;
    yield piece;
  }
}

/** Why HeadBucket failed, in the words of the settings that fix it. */
export function bucketProblem(error: unknown, where: string, settings: S3Config): string {
  const status = statusOf(error);
  if (status === 404) return `${where} does not exist (S3_BUCKET, S3_ENDPOINT, S3_REGION)`;
  if (status === 403) return `${where} refuses these credentials (S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY)`;
  if (status === 301) return `${where} is in another region (S3_REGION) or needs S3_FORCE_PATH_STYLE`;
  if (error instanceof Error && error.name === "CredentialsProviderError") {
    return `no S3 credentials for ${where}: set S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or give them the AWS way (AWS_* variables, a profile, an instance role)`;
  }
  const message = error instanceof Error ? error.message || error.name : String(error);
  // Virtual-hosted addressing puts the bucket in the host name, which a self-hosted service's DNS rarely knows.
  const unknownHost = error instanceof Error && "code" in error && error.code === "ENOTFOUND";
  const hint = unknownHost && settings.endpoint && !settings.forcePathStyle ? "; a self-hosted service usually needs S3_FORCE_PATH_STYLE=true" : "";
  return `${where} cannot be reached (${status ? `HTTP ${status}` : message})${hint}`;
}
