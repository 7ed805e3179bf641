import { existsSync } from "node:fs";
import { resolve } from "node:path";
import proxyAddr from "proxy-addr";
import { z } from "zod";
import { isTimeZone } from "./protocol/inboxes.ts";

/** Thrown when the environment is invalid; main prints `message` as one line and exits. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

// Digits only: z.coerce would read " " as 0 and "1e3" as 1000.
const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const flag = z
  .enum(["true", "false", "1", "0", "yes", "no"], { message: "must be true or false" })
  .transform((v) => v === "true" || v === "1" || v === "yes");

// `true`/`false`, or the proxies whose X-Forwarded-For hops are believed: addresses and CIDRs.
const trustProxy = z
  .string()
  .superRefine((value, ctx) => {
    if (flag.safeParse(value).success) return;
    for (const entry of value.split(",").map((e) => e.trim())) {
      try {
        if (!entry) throw new Error("empty");
        proxyAddr.compile(entry);
      } catch {
        ctx.addIssue({ code: "custom", message: `must be true, false or a comma-separated list of proxy addresses and CIDRs such as 10.0.0.0/8,127.0.0.1; ${JSON.stringify(entry)} is not an IP address or CIDR` });
        return;
      }
    }
  })
  .transform((value): boolean | string[] => {
    const asFlag = flag.safeParse(value);
    return asFlag.success ? asFlag.data : value.split(",").map((e) => e.trim());
  });

const schema = z.object({
  PORT: integer(0, 65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  PUBLIC_URL: z.url({ protocol: /^https?$/, message: "must be an http(s) URL such as https://support.example.com" }).optional(),
  DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: z
    .string()
    .regex(/^(postgres(ql)?:\/\/|sqlite:|file:)/, "must start with postgres://, sqlite: or file:")
    .optional(),
  REDIS_URL: z.url({ protocol: /^rediss?$/, message: "must be a redis:// or rediss:// URL" }).optional(),
  TELEGRAM_BOT_TOKEN: z.string().regex(/^\d+:[\w-]{20,}$/, "must look like 123456:ABC-DEF… (from @BotFather)").optional(),
  TELEGRAM_API_ROOT: z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }).default("https://api.telegram.org"),
  TELEGRAM_ADMIN_CHAT_ID: z.string().regex(/^-?\d{1,20}$/, "must be a numeric Telegram chat id").optional(),
  TELEGRAM_WEBHOOK_URL: z.url({ protocol: /^https$/, message: "must be an https URL that reaches /telegram/webhook" }).optional(),
  TELEGRAM_WEBHOOK_SECRET: z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, "must be 16-256 letters, digits, _ or -").optional(),
  TELEGRAM_ALERT_FLOOD_PER_MINUTE: integer(1, 100_000).default(10),
  /** Short name of the Mini App registered with @BotFather (/newapp), for the "Accept in Telegram" link in group chats. */
  TELEGRAM_MINI_APP_NAME: z.string().regex(/^[A-Za-z0-9_]{3,30}$/, "must be the Mini App's short name from @BotFather (3-30 letters, digits or _)").optional(),
  TELEGRAM_DOWNLOAD_TIMEOUT_S: integer(1, 600).default(30),
  TIMEZONE: z.string().refine(isTimeZone, "must be an IANA time zone such as Europe/Istanbul").default("Europe/Istanbul"),
  LOG_LEVEL: z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(", ")}` }).default("info"),
  SECRET_KEY: z.string().min(32, "must be at least 32 characters").optional(),
  // Earlier SECRET_KEY values, newest first, kept only to read files encrypted before a rotation.
  PREVIOUS_SECRET_KEYS: z
    .string()
    .regex(/^[^,\s]{32,}(,[^,\s]{32,})*$/, "must be a comma-separated list of earlier SECRET_KEY values (each at least 32 characters)")
    .optional(),
  ENCRYPT_FILES: flag.default(false),
  STORAGE: z.enum(["local", "s3"], { message: "must be local (DATA_DIR/files) or s3 (an S3-compatible bucket)" }).default("local"),
  S3_ENDPOINT: z.url({ protocol: /^https?$/, message: "must be an http(s) URL such as https://s3.eu-central-1.amazonaws.com or http://minio:9000" }).optional(),
  S3_REGION: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, "must be a region name such as eu-central-1").default("us-east-1"),
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be a bucket name: 3 to 63 lower-case letters, digits, dots and hyphens")
    .optional(),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  S3_FORCE_PATH_STYLE: flag.default(false),
  TRUST_PROXY: trustProxy.default(false),
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  RATE_LIMIT_PER_MINUTE: integer(1, 1_000_000).default(300),
  AUTH_RATE_LIMIT_PER_MINUTE: integer(1, 1_000_000).default(20),
  UPLOAD_MAX_MB: integer(1, 1024).default(10),
  VISITOR_HANDSHAKES_PER_MINUTE: integer(1, 1_000_000).default(60),
  NEW_VISITORS_PER_HOUR: integer(1, 1_000_000).default(20),
  NEW_CONVERSATIONS_PER_12H: integer(1, 1_000_000).default(6),
  VISITOR_MESSAGES_PER_MINUTE: integer(1, 1_000_000).default(60),
  UPLOAD_MB_PER_DAY: integer(1, 1_000_000).default(100),
  CALLS_PER_ADDRESS_PER_DAY: integer(0, 1_000_000).default(10),
  STORAGE_QUOTA_MB: integer(1, 100_000_000).optional(),
  CALL_DAILY_LIMIT: integer(0, 1_000_000).default(10),
  CALL_VISITOR_DAILY_LIMIT: integer(0, 1000).default(3),
  CALL_AGENT_DAILY_LIMIT: integer(0, 1000).optional(),
  CALL_RING_TIMEOUT_S: integer(5, 600).default(60),
  CALL_REJOIN_WINDOW_S: integer(1, 3600).default(20),
  RECORDING: z.enum(["off", "audio", "audio+video"], { message: "must be off, audio or audio+video" }).default("off"),
  RECORDING_RETENTION_DAYS: integer(1, 36_500).optional(),
  CONVERSATION_RETENTION_DAYS: integer(1, 36_500).optional(),
  ATTACHMENT_RETENTION_DAYS: integer(1, 36_500).optional(),
  RECORDING_ICE_ADDRESSES: z
    .string()
    .regex(/^[0-9a-fA-F.:]+(,[0-9a-fA-F.:]+)*$/, "must be a comma-separated list of IP addresses")
    .optional(),
  RECORDING_UDP_PORTS: z
    .string()
    .regex(/^\d{4,5}-\d{4,5}$/, "must be a port range such as 40000-40199")
    .refine((v) => {
      const [low, high] = v.split("-").map(Number) as [number, number];
      return low >= 1024 && high <= 65535 && low < high;
    }, "must be a range of ports between 1024 and 65535, low-high")
    .optional(),
  ICE_SERVERS: z
    .string()
    .regex(/^((stuns?|turns?):[^\s,]+)(,(stuns?|turns?):[^\s,]+)*$/, "must be a comma-separated list of stun:, stuns:, turn: or turns: URLs")
    .optional(),
  TURN_SECRET: z.string().min(16, "must be at least 16 characters (coturn's static-auth-secret)").optional(),
  PRECHAT_FIELDS: z
    .string()
    .regex(/^((name|email|phone):(required|optional|off))(,(name|email|phone):(required|optional|off))*$/, "must look like name:required,email:optional,phone:off")
    .default("name:optional,email:optional,phone:off"),
  IDENTITY_REQUIRED: flag.default(false),
  SMTP_URL: z.url({ protocol: /^smtps?$/, message: "must be an smtp:// or smtps:// URL such as smtp://user:pass@mail.example.com:587" }).optional(),
  MAIL_FROM: z
    .string()
    .regex(/^([^<>]*<[^<>\s@]+@[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+)$/, 'must be an address such as support@example.com or "Destek <support@example.com>"')
    .optional(),
  OFFLINE_EMAIL_DELAY_S: integer(0, 30 * 24 * 3600).default(300),
  ASSIGNMENT_REQUEUE_S: integer(10, 7 * 24 * 3600).default(300),
  SMTP_INBOUND_PORT: integer(0, 65535).optional(),
  WEBHOOK_ALLOW_PRIVATE: flag.default(false),
  MAIL_REPLY_DOMAIN: z
    .string()
    .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i, "must be a domain name such as reply.support.example.com")
    .optional(),
  PUSH_SUBJECT: z
    .string()
    .regex(/^(mailto:[^\s@]+@[^\s@]+|https:\/\/\S+)$/, "must be a mailto: address or an https: URL (the contact push services may write to)")
    .optional(),
});

export type Env = z.input<typeof schema>;

/** The names of every environment variable destek reads. */
export const CONFIG_VARIABLES = Object.keys(schema.shape);

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  /** True when PUBLIC_URL is https: cookies get the Secure flag. */
  secureCookies: boolean;
  dataDir: string;
  database: { kind: "sqlite"; file: string } | { kind: "postgres"; url: string };
  redisUrl: string | undefined;
  /** Outgoing mail (SMTP_URL and MAIL_FROM); undefined: no mail is sent. */
  mail: { smtpUrl: string; from: string; offlineDelayMs: number; replyDomain: string | undefined } | undefined;
  /** The SMTP listener for visitors' replies (SMTP_INBOUND_PORT and MAIL_REPLY_DOMAIN); undefined: off. */
  inboundMail: { port: number; domain: string } | undefined;
  telegram:
    | {
        token: string;
        apiRoot: string;
        adminChatId: string | undefined;
        webhookUrl: string | undefined;
        webhookSecret: string | undefined;
        /** New conversations per minute past which the team chat gets one summary post instead of one each. */
        alertFloodPerMinute: number;
        /** TELEGRAM_MINI_APP_NAME: the direct-link Mini App that group chats' call alerts open. */
        miniAppName: string | undefined;
        /** Longest a file an agent sends from Telegram may take to download. */
        downloadTimeoutMs: number;
      }
    | undefined;
  timezone: string;
  /** Days resolved conversations and attachments are kept (first-boot defaults of the settings); undefined keeps them. */
  retention: { conversationDays: number | undefined; attachmentDays: number | undefined };
  logLevel: (typeof LOG_LEVELS)[number];
  secretKey: string | undefined;
  /** Earlier master secrets: their file keys still open files written before a rotation. */
  previousSecretKeys: string[];
  /** Store new attachments and recordings encrypted (AES-256-GCM); encrypted files are read either way. */
  encryptFiles: boolean;
  /** Where attachment and recording bytes live: files under DATA_DIR/files, or an S3-compatible bucket. */
  storage: { kind: "local"; dir: string } | ({ kind: "s3" } & S3Config);
  /** false: the peer is the client; true: trust the immediate peer's X-Forwarded-For hop; a list: trust those proxies. */
  trustProxy: boolean | string[];
  metricsToken: string | undefined;
  rateLimitPerMinute: number;
  /** Per-address limit on each sign-in and setup endpoint: the brute-force targets. */
  authRateLimitPerMinute: number;
  uploadMaxBytes: number;
  /** Limits per client address on the anonymous surface (widget socket and routes). */
  addressLimits: {
    handshakesPerMinute: number;
    newVisitorsPerHour: number;
    newConversationsPer12h: number;
    messagesPerMinute: number;
    uploadBytesPerDay: number;
    callsPerDay: number;
  };
  /** Total bytes of stored attachments; new uploads are refused past it. Undefined: no quota. */
  storageQuotaBytes: number | undefined;
  /** The widget's pre-chat form: which fields it asks for. */
  preChat: Record<"name" | "email" | "phone", "required" | "optional" | "off">;
  /** Only visitors the site verified (signed user id) may chat. */
  identityRequired: boolean;
  /** Outgoing webhooks: `allowPrivate` lets their URLs point at loopback and private addresses (WEBHOOK_ALLOW_PRIVATE). */
  webhooks: { allowPrivate: boolean };
  /** How long an assigned agent may be away, offline or without a console before their open conversations are reassigned. */
  assignmentRequeueMs: number;
  /** Web push to the agents' devices: the VAPID subject (PUSH_SUBJECT) push services may contact. */
  push: { subject: string };
  calls: {
    daily: number;
    perVisitor: number;
    perAgent: number | null;
    ringTimeoutMs: number;
    /** How long a live call waits for a participant whose every connection dropped (reload, network change). */
    rejoinWindowMs: number;
    recording: "off" | "audio" | "audio+video";
    /** Recordings older than this many days are removed; undefined keeps them. */
    recordingRetentionDays: number | undefined;
    /** Extra addresses the server's recorder peers announce (a public IP behind NAT, 127.0.0.1 in tests). */
    recordingIceAddresses: string[];
    /** The UDP ports the recorder peers use, for a firewall rule; any port when undefined. */
    recordingUdpPorts: [number, number] | undefined;
    /** STUN/TURN URLs handed to browsers; none by default (no third-party server unless configured). */
    iceServers: string[];
    turnSecret: string | undefined;
  };
}

export interface S3Config {
  bucket: string;
  region: string;
  /** Another S3-compatible service than AWS (MinIO, Ceph, R2, Garage…); undefined: AWS itself. */
  endpoint: string | undefined;
  /** Address the bucket as endpoint/bucket rather than bucket.endpoint (most self-hosted servers need it). */
  forcePathStyle: boolean;
  /** Undefined: the AWS SDK's default credentials (AWS_* variables, a profile, an instance or pod role). */
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
}

/** Reads and validates the environment; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty value (`FOO=` in .env) means "not set", as in most twelve-factor tools.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? "environment");
    const value = present[name];
    const shown = value === undefined || /TOKEN|SECRET|KEY|URL/.test(name) ? "" : ` (got ${JSON.stringify(value)})`;
    throw new ConfigError(`Invalid configuration: ${name} ${issue.message}${shown}`);
  }
  const e = parsed.data;
  if (e.SMTP_URL && !e.MAIL_FROM) throw new ConfigError('Invalid configuration: MAIL_FROM must be set when SMTP_URL is (the sender, such as "Destek <support@example.com>")');
  if (e.SMTP_INBOUND_PORT !== undefined && !e.MAIL_REPLY_DOMAIN) {
    throw new ConfigError("Invalid configuration: MAIL_REPLY_DOMAIN must be set when SMTP_INBOUND_PORT is (the domain of the reply+<token>@ addresses)");
  }
  if (e.STORAGE === "s3" && !e.S3_BUCKET) throw new ConfigError("Invalid configuration: S3_BUCKET must be set when STORAGE=s3 (the bucket attachments and recordings are kept in)");
  if (Boolean(e.S3_ACCESS_KEY_ID) !== Boolean(e.S3_SECRET_ACCESS_KEY)) {
    throw new ConfigError(
      `Invalid configuration: ${e.S3_ACCESS_KEY_ID ? "S3_SECRET_ACCESS_KEY" : "S3_ACCESS_KEY_ID"} must be set too (give both S3 keys, or neither to use the AWS SDK's default credentials)`,
    );
  }
  const dataDir = resolve(e.DATA_DIR);
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, "");
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    secureCookies: publicUrl.startsWith("https:"),
    dataDir,
    database: parseDatabaseUrl(e.DATABASE_URL, dataDir),
    redisUrl: e.REDIS_URL,
    mail: e.SMTP_URL
      ? {
          smtpUrl: e.SMTP_URL,
          from: e.MAIL_FROM ?? "",
          offlineDelayMs: e.OFFLINE_EMAIL_DELAY_S * 1000,
          replyDomain: e.SMTP_INBOUND_PORT !== undefined ? e.MAIL_REPLY_DOMAIN : undefined,
        }
      : undefined,
    inboundMail: e.SMTP_INBOUND_PORT !== undefined && e.MAIL_REPLY_DOMAIN ? { port: e.SMTP_INBOUND_PORT, domain: e.MAIL_REPLY_DOMAIN.toLowerCase() } : undefined,
    telegram: e.TELEGRAM_BOT_TOKEN
      ? {
          token: e.TELEGRAM_BOT_TOKEN,
          apiRoot: e.TELEGRAM_API_ROOT.replace(/\/+$/, ""),
          adminChatId: e.TELEGRAM_ADMIN_CHAT_ID,
          webhookUrl: e.TELEGRAM_WEBHOOK_URL,
          webhookSecret: e.TELEGRAM_WEBHOOK_SECRET,
          alertFloodPerMinute: e.TELEGRAM_ALERT_FLOOD_PER_MINUTE,
          miniAppName: e.TELEGRAM_MINI_APP_NAME,
          downloadTimeoutMs: e.TELEGRAM_DOWNLOAD_TIMEOUT_S * 1000,
        }
      : undefined,
    timezone: e.TIMEZONE,
    retention: { conversationDays: e.CONVERSATION_RETENTION_DAYS, attachmentDays: e.ATTACHMENT_RETENTION_DAYS },
    logLevel: e.LOG_LEVEL,
    secretKey: e.SECRET_KEY,
    previousSecretKeys: e.PREVIOUS_SECRET_KEYS ? e.PREVIOUS_SECRET_KEYS.split(",") : [],
    encryptFiles: e.ENCRYPT_FILES,
    storage:
      e.STORAGE === "s3"
        ? {
            kind: "s3",
            bucket: e.S3_BUCKET ?? "",
            region: e.S3_REGION,
            endpoint: e.S3_ENDPOINT?.replace(/\/+$/, ""),
            forcePathStyle: e.S3_FORCE_PATH_STYLE,
            credentials: e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY ? { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY } : undefined,
          }
        : { kind: "local", dir: resolve(dataDir, "files") },
    trustProxy: e.TRUST_PROXY,
    metricsToken: e.METRICS_TOKEN,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    authRateLimitPerMinute: e.AUTH_RATE_LIMIT_PER_MINUTE,
    uploadMaxBytes: e.UPLOAD_MAX_MB * 1024 * 1024,
    addressLimits: {
      handshakesPerMinute: e.VISITOR_HANDSHAKES_PER_MINUTE,
      newVisitorsPerHour: e.NEW_VISITORS_PER_HOUR,
      newConversationsPer12h: e.NEW_CONVERSATIONS_PER_12H,
      messagesPerMinute: e.VISITOR_MESSAGES_PER_MINUTE,
      uploadBytesPerDay: e.UPLOAD_MB_PER_DAY * 1024 * 1024,
      callsPerDay: e.CALLS_PER_ADDRESS_PER_DAY,
    },
    storageQuotaBytes: e.STORAGE_QUOTA_MB === undefined ? undefined : e.STORAGE_QUOTA_MB * 1024 * 1024,
    preChat: parsePreChat(e.PRECHAT_FIELDS),
    identityRequired: e.IDENTITY_REQUIRED,
    assignmentRequeueMs: e.ASSIGNMENT_REQUEUE_S * 1000,
    // Apple's push service refuses a localhost subject: PUBLIC_URL when it is https, else a placeholder.
    push: { subject: e.PUSH_SUBJECT ?? (publicUrl.startsWith("https:") ? publicUrl : "mailto:admin@localhost") },
    webhooks: { allowPrivate: e.WEBHOOK_ALLOW_PRIVATE },
    calls: {
      daily: e.CALL_DAILY_LIMIT,
      perVisitor: e.CALL_VISITOR_DAILY_LIMIT,
      perAgent: e.CALL_AGENT_DAILY_LIMIT ?? null,
      ringTimeoutMs: e.CALL_RING_TIMEOUT_S * 1000,
      rejoinWindowMs: e.CALL_REJOIN_WINDOW_S * 1000,
      recording: e.RECORDING,
      recordingRetentionDays: e.RECORDING_RETENTION_DAYS,
      recordingIceAddresses: e.RECORDING_ICE_ADDRESSES ? e.RECORDING_ICE_ADDRESSES.split(",") : [],
      recordingUdpPorts: e.RECORDING_UDP_PORTS ? (e.RECORDING_UDP_PORTS.split("-").map(Number) as [number, number]) : undefined,
      iceServers: e.ICE_SERVERS ? e.ICE_SERVERS.split(",") : [],
      turnSecret: e.TURN_SECRET,
    },
  };
}

function parsePreChat(spec: string): Config["preChat"] {
  const fields: Config["preChat"] = { name: "off", email: "off", phone: "off" };
  for (const pair of spec.split(",")) {
    const [field, mode] = pair.split(":") as [keyof Config["preChat"], Config["preChat"]["name"]];
    fields[field] = mode;
  }
  return fields;
}

function parseDatabaseUrl(url: string | undefined, dataDir: string): Config["database"] {
  if (!url) return { kind: "sqlite", file: resolve(dataDir, "destek.sqlite") };
  if (url.startsWith("postgres")) return { kind: "postgres", url };
  return { kind: "sqlite", file: resolve(dataDir, url.replace(/^(sqlite|file):(\/\/)?/, "")) };
}

/** Loads `.env` from the working directory when present; real environment variables win. */
export function loadDotEnv(path = ".env"): void {
  if (existsSync(path)) process.loadEnvFile(path);
}
