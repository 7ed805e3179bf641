import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.ts";
import { deriveKeys, loadMasterSecret } from "../src/secrets.ts";

/** The ConfigError loadConfig throws for `env`; fails the test when it does not throw one. */
function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe("loadConfig defaults", () => {
  it("runs a small shop with no configuration at all", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: "0.0.0.0",
      publicUrl: "http://localhost:3000",
      secureCookies: false,
      dataDir: resolve("data"),
      database: { kind: "sqlite", file: join(resolve("data"), "destek.sqlite") },
      redisUrl: undefined,
      telegram: undefined,
      timezone: "Europe/Istanbul",
      logLevel: "info",
      secretKey: undefined,
      trustProxy: false,
      metricsToken: undefined,
    });
  });

  it("treats empty values (FOO= in .env) as unset", () => {
    const blank = Object.fromEntries(
      ["PORT", "HOST", "PUBLIC_URL", "DATA_DIR", "DATABASE_URL", "REDIS_URL", "TELEGRAM_BOT_TOKEN", "TELEGRAM_ADMIN_CHAT_ID", "TIMEZONE", "LOG_LEVEL", "SECRET_KEY", "TRUST_PROXY", "METRICS_TOKEN"].map(
        (name) => [name, ""],
      ),
    );
    expect(loadConfig(blank)).toEqual(loadConfig({}));
  });

  it("derives the public URL from PORT when PUBLIC_URL is not set", () => {
    expect(loadConfig({ PORT: "8080" })).toMatchObject({ port: 8080, publicUrl: "http://localhost:8080" });
  });

  it("resolves DATA_DIR and keeps the SQLite file inside it", () => {
    const config = loadConfig({ DATA_DIR: "var/destek" });
    expect(config.dataDir).toBe(resolve("var/destek"));
    expect(config.database).toEqual({ kind: "sqlite", file: join(resolve("var/destek"), "destek.sqlite") });
  });

  it("places a relative sqlite: DATABASE_URL under DATA_DIR", () => {
    expect(loadConfig({ DATA_DIR: "/srv/destek", DATABASE_URL: "sqlite:support.db" }).database).toEqual({
      kind: "sqlite",
      file: "/srv/destek/support.db",
    });
  });

  it.each(["postgres://destek:pw@db:5432/destek", "postgresql://destek@db/destek"])("selects PostgreSQL for %s", (url) => {
    expect(loadConfig({ DATABASE_URL: url }).database).toEqual({ kind: "postgres", url });
  });

  it("sets Secure cookies only behind an https PUBLIC_URL, without a trailing slash", () => {
    expect(loadConfig({ PUBLIC_URL: "https://support.example.com/" })).toMatchObject({
      publicUrl: "https://support.example.com",
      secureCookies: true,
    });
    expect(loadConfig({ PUBLIC_URL: "http://support.example.com" })).toMatchObject({
      publicUrl: "http://support.example.com",
      secureCookies: false,
    });
  });

  it.each([
    ["true", true],
    ["1", true],
    ["yes", true],
    ["false", false],
    ["0", false],
    ["no", false],
  ])("reads TRUST_PROXY=%s as %s", (value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toBe(expected);
  });

  it("enables Telegram only with a bot token", () => {
    const token = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11";
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_ADMIN_CHAT_ID: "-1001234" }).telegram).toEqual({
      token,
      apiRoot: "https://api.telegram.org",
      adminChatId: "-1001234",
      alertFloodPerMinute: 10,
      downloadTimeoutMs: 30_000,
    });
    const tuned = loadConfig({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_ALERT_FLOOD_PER_MINUTE: "25", TELEGRAM_DOWNLOAD_TIMEOUT_S: "5" }).telegram;
    expect(tuned).toMatchObject({ alertFloodPerMinute: 25, downloadTimeoutMs: 5000 });
    expect(loadConfig({ TELEGRAM_ADMIN_CHAT_ID: "-1001234" }).telegram).toBeUndefined();
  });
});

describe("loadConfig with bad values", () => {
  it.each([
    ["PORT", "abc"],
    ["PORT", "70000"],
    ["PUBLIC_URL", "ftp://x"],
    ["DATABASE_URL", "mysql://x"],
    ["REDIS_URL", "http://x"],
    ["TELEGRAM_BOT_TOKEN", "nonsense"],
    ["TELEGRAM_ADMIN_CHAT_ID", "abc"],
    ["TELEGRAM_ALERT_FLOOD_PER_MINUTE", "0"],
    ["TELEGRAM_DOWNLOAD_TIMEOUT_S", "soon"],
    ["TIMEZONE", "Mars/Base"],
    ["LOG_LEVEL", "loud"],
    ["SECRET_KEY", "short"],
    ["TRUST_PROXY", "maybe"],
  ])("%s=%s fails with one line naming the variable", (name, value) => {
    const error = configError({ [name]: value });
    expect(error.name).toBe("ConfigError");
    expect(error.message).not.toMatch(/[\r\n]/);
    expect(error.message).toMatch(new RegExp(`^Invalid configuration: ${name} \\S`));
  });

  it("keeps a live call 20 s for a participant whose page is gone, or CALL_REJOIN_WINDOW_S", () => {
    expect(loadConfig({}).calls.rejoinWindowMs).toBe(20_000);
    expect(loadConfig({ CALL_REJOIN_WINDOW_S: "90" }).calls.rejoinWindowMs).toBe(90_000);
    expect(configError({ CALL_REJOIN_WINDOW_S: "0" }).message).toBe('Invalid configuration: CALL_REJOIN_WINDOW_S must be at least 1 (got "0")');
    expect(configError({ CALL_REJOIN_WINDOW_S: "20s" }).message).toBe('Invalid configuration: CALL_REJOIN_WINDOW_S must be a whole number (got "20s")');
  });

  it("names the bad variable, not a good one next to it", () => {
    expect(configError({ PORT: "8080", TIMEZONE: "Europe/Istanbul", LOG_LEVEL: "loud" }).message).toMatch(/LOG_LEVEL/);
  });

  it("shows the bad value of a harmless variable, to help fix it", () => {
    expect(configError({ TIMEZONE: "Mars/Base" }).message).toContain("Mars/Base");
  });

  it.each([
    ["TELEGRAM_BOT_TOKEN", "nonsense"],
    ["TELEGRAM_BOT_TOKEN", "123456:short"],
    ["SECRET_KEY", "hunter2-but-short"],
    ["DATABASE_URL", "mysql://root:hunter2@db/destek"],
    ["REDIS_URL", "http://:hunter2@cache:6379"],
    ["PUBLIC_URL", "ftp://user:hunter2@example.com"],
    ["METRICS_TOKEN", "hunter2"],
  ])("never echoes the value of the secret-bearing %s", (name, value) => {
    const { message } = configError({ [name]: value });
    expect(message).toContain(name);
    expect(message).not.toContain(value);
    expect(message).not.toContain("hunter2");
  });
});

describe("loadMasterSecret", () => {
  const dirs: string[] = [];
  const freshDir = () => {
    const dir = mkdtempSync(join(tmpdir(), "destek-secret-"));
    dirs.push(dir);
    // A DATA_DIR that does not exist yet, as on a first run.
    return join(dir, "data");
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("creates DATA_DIR/secret.key, readable by the owner only, on the first call", () => {
    const dataDir = freshDir();
    const secret = loadMasterSecret(dataDir, undefined);
    const file = join(dataDir, "secret.key");
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8").trim()).toBe(secret);
  });

  it("returns the same secret on the next call", () => {
    const dataDir = freshDir();
    const first = loadMasterSecret(dataDir, undefined);
    expect(loadMasterSecret(dataDir, undefined)).toBe(first);
    expect(loadMasterSecret(freshDir(), undefined)).not.toBe(first);
  });

  it("returns SECRET_KEY when given, without writing a file", () => {
    const dataDir = freshDir();
    const configured = "x".repeat(40);
    expect(loadMasterSecret(dataDir, configured)).toBe(configured);
    expect(existsSync(join(dataDir, "secret.key"))).toBe(false);
  });

  it("derives distinct, stable 32-byte keys per purpose", () => {
    const keys = deriveKeys("m".repeat(48));
    const again = deriveKeys("m".repeat(48));
    const all = [keys.jwt, keys.otp, keys.tokenHash, keys.totpEncryption, keys.recordingLinks, keys.attachmentLinks, keys.identity].map((k) =>
      Buffer.from(k).toString("hex"),
    );
    expect(new Set(all).size).toBe(7);
    for (const key of all) expect(key).toHaveLength(64);
    expect(Buffer.from(again.jwt).equals(Buffer.from(keys.jwt))).toBe(true);
    expect(Buffer.from(deriveKeys("n".repeat(48)).jwt).equals(Buffer.from(keys.jwt))).toBe(false);
  });
});

describe("file storage settings (STORAGE, S3_*)", () => {
  it("keeps files under DATA_DIR/files by default", () => {
    expect(loadConfig({ DATA_DIR: "/srv/destek" }).storage).toEqual({ kind: "local", dir: "/srv/destek/files" });
  });

  it("reads an S3-compatible bucket with its defaults: us-east-1, virtual-hosted addressing, the SDK's credentials", () => {
    expect(loadConfig({ STORAGE: "s3", S3_BUCKET: "destek-files" }).storage).toEqual({
      kind: "s3",
      bucket: "destek-files",
      region: "us-east-1",
      endpoint: undefined,
      forcePathStyle: false,
      credentials: undefined,
    });
    const selfHosted = loadConfig({
      STORAGE: "s3",
      S3_BUCKET: "destek-files",
      S3_ENDPOINT: "http://minio:9000/",
      S3_REGION: "eu-central-1",
      S3_FORCE_PATH_STYLE: "true",
      S3_ACCESS_KEY_ID: "AKIDEXAMPLE",
      S3_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    }).storage;
    expect(selfHosted).toEqual({
      kind: "s3",
      bucket: "destek-files",
      region: "eu-central-1",
      endpoint: "http://minio:9000",
      forcePathStyle: true,
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" },
    });
  });

  it("treats empty S3 values (FOO= in .env) as unset", () => {
    expect(loadConfig({ STORAGE: "", S3_BUCKET: "", S3_ENDPOINT: "", S3_ACCESS_KEY_ID: "", S3_SECRET_ACCESS_KEY: "" }).storage).toEqual(loadConfig({}).storage);
  });

  it("fails at start-up, in one line, on a missing or invalid S3 setting", () => {
    expect(configError({ STORAGE: "s3" }).message).toBe(
      "Invalid configuration: S3_BUCKET must be set when STORAGE=s3 (the bucket attachments and recordings are kept in)",
    );
    expect(configError({ STORAGE: "minio" }).message).toMatch(/^Invalid configuration: STORAGE must be local \(DATA_DIR\/files\) or s3/);
    expect(configError({ STORAGE: "s3", S3_BUCKET: "My_Bucket" }).message).toBe(
      'Invalid configuration: S3_BUCKET must be a bucket name: 3 to 63 lower-case letters, digits, dots and hyphens (got "My_Bucket")',
    );
    expect(configError({ STORAGE: "s3", S3_BUCKET: "files", S3_ENDPOINT: "minio:9000" }).message).toMatch(/^Invalid configuration: S3_ENDPOINT must be an http\(s\) URL/);
    expect(configError({ STORAGE: "s3", S3_BUCKET: "files", S3_FORCE_PATH_STYLE: "sometimes" }).message).toMatch(/^Invalid configuration: S3_FORCE_PATH_STYLE must be true or false/);
    expect(configError({ STORAGE: "s3", S3_BUCKET: "files", S3_REGION: "eu central" }).message).toMatch(/^Invalid configuration: S3_REGION must be a region name/);
  });

  it("wants both S3 keys or neither, and never echoes the secret", () => {
    const onlyId = configError({ STORAGE: "s3", S3_BUCKET: "files", S3_ACCESS_KEY_ID: "AKIDEXAMPLE" }).message;
    expect(onlyId).toMatch(/^Invalid configuration: S3_SECRET_ACCESS_KEY must be set too/);
    const onlySecret = configError({ STORAGE: "s3", S3_BUCKET: "files", S3_SECRET_ACCESS_KEY: "hunter2-secret" }).message;
    expect(onlySecret).toMatch(/^Invalid configuration: S3_ACCESS_KEY_ID must be set too/);
    expect(onlySecret).not.toContain("hunter2");
  });
});
