import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<"method" | "route" | "status">;
  sockets: Gauge<"role">;
  outboxDepth: Gauge;
  telegramSent: Counter<"result">;
  outboxDeadLetters: Counter<"reason">;
  /** 1 for the current state of this process's link to Telegram, 0 for the others. */
  telegramState: Gauge<"state">;
  /** Requests refused by a rate limit or quota, by limit (e.g. `address:newVisitors`). */
  limitRefusals: Counter<"limit">;
  /** Web pushes to agents' devices by result: sent, gone (device removed), retry, dead. */
  pushSent: Counter<"result">;
}

/**
 * Prometheus metrics of one process. Default metrics include event-loop lag
 * (nodejs_eventloop_lag_seconds); outbox depth is read from the database at scrape time.
 */
export function createMetrics(readOutboxDepth: () => Promise<number>): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ app: "destek" });
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  return {
    registry,
    httpDuration: new Histogram({
      name: "destek_http_request_duration_seconds",
      help: "HTTP request duration by route and status",
      labelNames: ["method", "route", "status"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    sockets: new Gauge({ name: "destek_socket_connections", help: "Open Socket.IO connections", labelNames: ["role"], registers: [registry] }),
    outboxDepth: new Gauge({
      name: "destek_outbox_pending",
      help: "Notifications waiting in the outbox",
      registers: [registry],
      async collect() {
        this.set(await readOutboxDepth());
      },
    }),
    telegramSent: new Counter({ name: "destek_telegram_requests_total", help: "Telegram API calls by result", labelNames: ["result"], registers: [registry] }),
    outboxDeadLetters: new Counter({
      name: "destek_outbox_dead_letters_total",
      help: "Telegram notifications given up on, by reason (chat_not_found, bot_blocked, bad_request, stored_file_missing)",
      labelNames: ["reason"],
      registers: [registry],
    }),
    telegramState: new Gauge({
      name: "destek_telegram_state",
      help: "Telegram as this process last saw it: 1 for the current state (ok, unavailable, unknown), 0 for the others",
      labelNames: ["state"],
      registers: [registry],
    }),
    limitRefusals: new Counter({ name: "destek_limit_refusals_total", help: "Requests refused by a rate limit, by limit", labelNames: ["limit"], registers: [registry] }),
    pushSent: new Counter({ name: "destek_push_sent_total", help: "Web pushes to agents' devices by result (sent, gone, retry, dead)", labelNames: ["result"], registers: [registry] }),
  };
}
