import type { Api } from "grammy";
import { unavailable } from "../../domain/errors.ts";

// grammY types its signal parameter with the abort-controller polyfill's AbortSignal; Node's is the same thing at run time.
type GrammySignal = Parameters<Api["getFile"]>[1];

export interface DownloadedFile {
  data: Buffer;
  fileName: string | undefined;
  voice: boolean;
  /** The file was larger than allowed: nothing of it is kept. */
  truncated: boolean;
}

/**
 * Fetches a file an agent sent, within `timeoutMs` in all (getFile and the bytes) and stopping at
 * `maxBytes`: a hung or huge download costs a bounded time and memory.
 */
export async function downloadTelegramFile(
  api: Api,
  source: { apiRoot: string; token: string },
  input: { fileId: string; fileName: string | undefined; voice: boolean; maxBytes: number; timeoutMs: number },
): Promise<DownloadedFile> {
  const { fileName, voice, maxBytes } = input;
  const tooLarge = { data: Buffer.alloc(0), fileName, voice, truncated: true };
  const signal = AbortSignal.timeout(input.timeoutMs);
  try {
    const file = await api.getFile(input.fileId, signal as unknown as GrammySignal);
    if (!file.file_path) throw unavailable("telegram_download_failed", "Telegram returned no file path; send the file again.");
    if ((file.file_size ?? 0) > maxBytes) return tooLarge;
    const response = await fetch(`${source.apiRoot}/file/bot${source.token}/${file.file_path}`, { signal });
    if (!response.ok || !response.body) throw unavailable("telegram_download_failed", `Telegram answered ${response.status} for the file; send it again.`);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += chunk.length;
      // Leaving the loop cancels the rest of the body.
      if (size > maxBytes) return tooLarge;
      chunks.push(Buffer.from(chunk));
    }
    return { data: Buffer.concat(chunks), fileName: fileName ?? file.file_path.split("/").pop(), voice, truncated: false };
  } catch (error) {
    if (signal.aborted) {
      throw unavailable("telegram_download_timeout", `The file did not arrive from Telegram within ${Math.round(input.timeoutMs / 1000)} s; send it again.`);
    }
    throw error;
  }
}

/** Runs each sender's tasks one after another, and different senders' side by side. */
export class PerSenderQueue {
  private tails = new Map<string, Promise<void>>();

  /** Whether `key` has a task running or waiting. */
  busy(key: string): boolean {
    return this.tails.has(key);
  }

  /** Queues `task` after `key`'s earlier ones; the returned promise settles when it has run. */
  run(key: string, task: () => Promise<void>): Promise<void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(task);
    // The tail never rejects: the caller handles the task's own failure through `next`.
    const tail: Promise<void> = next
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => {
        if (this.tails.get(key) === tail) this.tails.delete(key);
      });
    this.tails.set(key, tail);
    return next;
  }

  /** Waits for every queued task (on shutdown). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.tails.values()]);
  }
}
