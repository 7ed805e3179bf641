import { createHmac } from "node:crypto";
import { join } from "node:path";
import type { Redis } from "ioredis";
import pino, { type Logger } from "pino";
import type { Config } from "./config.ts";
import { type DatabaseHandle, openDatabase } from "./adapters/db/database.ts";
import { countPendingOutbox } from "./adapters/db/repositories/outbox.ts";
import { createMemoryLimiter } from "./adapters/limits/memoryLimiter.ts";
import { createRedisLimiter } from "./adapters/limits/redisLimiter.ts";
import { withRefusalMetric } from "./adapters/limits/countedLimiter.ts";
import { withLocalFallback } from "./adapters/limits/fallbackLimiter.ts";
import { OutageLog } from "./adapters/outages.ts";
import { closeRedis, connectRedis, deploymentTag } from "./adapters/redis.ts";
import { LocalBus } from "./adapters/bus/localBus.ts";
import { eventsChannel, RedisBus } from "./adapters/bus/redisBus.ts";
import { createEncryptedStorage, type EncryptedStorage } from "./adapters/storage/encryptedStorage.ts";
import { createLocalStorage } from "./adapters/storage/localStorage.ts";
import { createS3Storage, type S3Storage } from "./adapters/storage/s3Storage.ts";
import { createTelegram, type TelegramAdapter } from "./adapters/telegram/bot.ts";
import { createWeriftRecorder } from "./adapters/recording/weriftRecorder.ts";
import { lazyRecorder } from "./adapters/recording/lazyRecorder.ts";
import { createSettingsReader } from "./domain/settings/installSettings.ts";
import type { InstallSettings } from "./protocol/settings.ts";
import type { EventBus } from "./domain/events.ts";
import { type CallRecorder, storeRecording } from "./domain/calls/recordings.ts";
import { type Clock, type DomainDeps, systemClock } from "./domain/ports.ts";
import { loggerOptions } from "./logger.ts";
import { createMetrics, type Metrics } from "./metrics.ts";
import { deriveKeys, loadMasterSecret } from "./secrets.ts";

/** Everything the app is built from, chosen once from the configuration. */
export interface AppDeps {
  config: Config;
  log: Logger;
  database: DatabaseHandle;
  redis: Redis | undefined;
  telegram: TelegramAdapter | undefined;
  metrics: Metrics;
  /** Domain events: in-process, and with Redis the cluster-wide ones reach every node (see CLUSTER_EVENTS). */
  bus: EventBus;
  domain: DomainDeps;
  /** Attachment and recording bytes (also `domain.storage`), with the encryption-at-rest controls. */
  storage: EncryptedStorage;
  /** The bucket behind `storage` when STORAGE=s3: checked at start-up and by /ready. */
  bucket: S3Storage | undefined;
  /** The server's recording peers, made when a call is first recorded. */
  recorder: CallRecorder;
}

export interface DepsOverrides {
  clock?: Clock;
  log?: Logger;
  database?: DatabaseHandle;
}

export function createDeps(config: Config, overrides: DepsOverrides = {}): AppDeps {
  const log = overrides.log ?? pino(loggerOptions(config.logLevel));
  const clock = overrides.clock ?? systemClock;
  const database = overrides.database ?? openDatabase(config.database, { log });
  const redis = config.redisUrl ? connectRedis(config.redisUrl) : undefined;
  // Reconnection attempts fail every second or two while Redis is away: one line when it goes, one when it is back.
  const redisOutages = new OutageLog(log);
  redis?.on("error", (err) => redisOutages.lost("redis", err));
  redis?.on("ready", () => redisOutages.restored("redis"));
  const keys = deriveKeys(loadMasterSecret(config.dataDir, config.secretKey));
  const metrics = createMetrics(() => countPendingOutbox(database.db));
  const telegram = config.telegram
    ? createTelegram(
        {
          token: config.telegram.token,
          apiRoot: config.telegram.apiRoot,
          alertFloodPerMinute: config.telegram.alertFloodPerMinute,
          miniAppName: config.telegram.miniAppName,
          downloadTimeoutMs: config.telegram.downloadTimeoutMs,
          webhook: config.telegram.webhookUrl
            ? { url: config.telegram.webhookUrl, secret: config.telegram.webhookSecret ?? webhookSecretFrom(keys.tokenHash) }
            : undefined,
        },
        log.child({ component: "telegram" }),
        metrics,
      )
    : undefined;
  const bucket = config.storage.kind === "s3" ? createS3Storage(config.storage, new OutageLog(log)) : undefined;
  // Encrypted files are read whether or not ENCRYPT_FILES is on, so switching it never strands one.
  const storage = createEncryptedStorage(
    bucket ?? createLocalStorage(join(config.dataDir, "files")),
    { current: keys.files, previous: config.previousSecretKeys.map((secret) => deriveKeys(secret).files) },
    { encryptWrites: config.encryptFiles },
  );
  const bus: EventBus = redis
    ? new RedisBus({ redis, channel: eventsChannel(keys), log, outages: redisOutages })
    : new LocalBus((err) => log.error({ err }, "event subscriber failed"));
  const domain: DomainDeps = {
    db: database.db,
    clock,
    keys,
    // While Redis is away, each node counts on its own (see fallbackLimiter.ts); refusals are counted on /metrics.
    limiter: withRefusalMetric(
      redis
        ? withLocalFallback(createRedisLimiter(redis, `destek:limit:${deploymentTag(keys)}:`), createMemoryLimiter(clock), redisOutages)
        : createMemoryLimiter(clock),
      metrics.limitRefusals,
    ),
    telegram: telegram?.port,
    publicUrl: config.publicUrl,
    defaultLanguage: "tr",
    events: bus,
    storage,
    chat: {
      uploadMaxBytes: config.uploadMaxBytes,
      identityRequired: config.identityRequired,
      addressLimits: config.addressLimits,
      storageQuotaBytes: config.storageQuotaBytes,
    },
    calls: {
      timezone: config.timezone,
      iceServers: config.calls.iceServers,
      turnSecret: config.calls.turnSecret,
    },
    settings: createSettingsReader(database.db, installSettingsDefaults(config)),
  };
  // Made on the first recorded call: recording may be switched on in the console at any time.
  const recorder = lazyRecorder(() =>
    createWeriftRecorder({
      workDir: join(config.dataDir, "tmp", "recordings"),
      announcedAddresses: config.calls.recordingIceAddresses,
      udpPorts: config.calls.recordingUdpPorts,
      log: log.child({ component: "recorder" }),
      onFinished: async (file) => {
        await storeRecording(domain, file);
      },
    }),
  );
  // Settings are cached per node: a save on any node is read again here at once.
  bus.subscribe((event) => {
    if (event.type === "settings.changed") domain.settings.invalidate();
  });
  return { bus, config, log, database, redis, telegram, metrics, domain, storage, bucket, recorder };
}

/** The environment's values of the settings an admin may change in the console: the first-boot defaults. */
export function installSettingsDefaults(config: Config): InstallSettings {
  return {
    recording: config.calls.recording,
    recordingRetentionDays: config.calls.recordingRetentionDays ?? null,
    conversationRetentionDays: config.retention.conversationDays ?? null,
    attachmentRetentionDays: config.retention.attachmentDays ?? null,
    callDailyLimit: config.calls.daily,
    callVisitorDailyLimit: config.calls.perVisitor,
    callAgentDailyLimit: config.calls.perAgent,
    ringTimeoutS: config.calls.ringTimeoutMs / 1000,
    preChat: config.preChat,
    languages: ["tr", "en"],
    telegramChatId: config.telegram?.adminChatId ?? null,
  };
}

/** Without a configured secret, the webhook's secret token is derived from the master secret. */
function webhookSecretFrom(key: Buffer): string {
  return createHmac("sha256", key).update("telegram-webhook").digest("base64url");
}

/** Releases connections; the last step of a graceful shutdown. */
export async function closeDeps(deps: AppDeps): Promise<void> {
  // Recordings are finalized and stored while the database is still open.
  await deps.recorder.close();
  await deps.telegram?.stop();
  await deps.bus.close();
  await deps.database.close();
  if (deps.redis) await closeRedis(deps.redis);
  deps.bucket?.close();
}
