import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";
import type { S3Config } from "../../src/config.ts";

export interface TestS3Server {
  /** The settings destek needs to use the server's bucket. */
  config: S3Config;
  /** The same, as STORAGE=s3 environment variables. */
  env: Record<string, string>;
  /** Where the server keeps its objects, to look at what was stored. */
  directory: string;
  stop(): Promise<void>;
}

/**
 * A real S3-protocol server (s3rver) on a free port with one empty bucket, its objects under a
 * temporary directory. It knows one access key id (S3RVER) and refuses others; it does not verify
 * V4 signatures themselves.
 */
export async function startS3Server(bucket = "destek-test"): Promise<TestS3Server> {
  const directory = await mkdtemp(join(tmpdir(), "destek-s3rver-"));
  const server = new S3rver({ address: "127.0.0.1", port: 0, directory, silent: true, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  const config: S3Config = {
    bucket,
    region: "us-east-1",
    endpoint: `http://127.0.0.1:${port}`,
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  };
  return {
    config,
    env: {
      STORAGE: "s3",
      S3_BUCKET: bucket,
      S3_ENDPOINT: config.endpoint ?? "",
      S3_FORCE_PATH_STYLE: "true",
      S3_ACCESS_KEY_ID: "S3RVER",
      S3_SECRET_ACCESS_KEY: "S3RVER",
    },
    directory,
    async stop() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
