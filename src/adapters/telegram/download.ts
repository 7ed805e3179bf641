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
  input: { fileId: string; fileName: string | undefined; voice: boolean; maxBytes: number; timeoutMs: number; stopping: AbortSignal },
): Promise<DownloadedFile> {
  const { fileName, voice, maxBytes, stopping } = input;
  const tooLarge = { data: Buffer.alloc(0), fileName, voice, truncated: true };
  const timeout = AbortSignal.timeout(input.timeoutMs);
  // A shutdown does not wait for a slow download either.
  const signal = AbortSignal.any([timeout, stopping]);
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
    if (stopping.aborted) throw unavailable("telegram_download_interrupted", "destek restarted while fetching your file; send it again.");
    if (timeout.aborted) {
      throw unavailable("telegram_download_timeout", `The file did not arrive from Telegram within ${Math.round(input.timeoutMs / 1000)} s; send it again.`);
    }
    throw error;
  }
}
