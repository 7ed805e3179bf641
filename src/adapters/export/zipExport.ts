import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ZipFile } from "yazl";
import type { BlobStorage } from "../../domain/chat/storage.ts";
import type { PersonExport } from "../../domain/privacy/exportPerson.ts";

/**
 * Writes a person's export as one zip: `person.json` and every file it names, streamed from storage
 * (decrypted when stored encrypted). A file missing from storage is listed in `missing-files.txt`
 * rather than failing the whole export.
 */
export async function writeExportZip(exported: PersonExport, storage: BlobStorage, out: Writable): Promise<{ files: number; missing: string[] }> {
  const zip = new ZipFile();
  const done = pipeline(zip.outputStream, out);
  zip.addBuffer(Buffer.from(`${JSON.stringify(exported.document, null, 2)}\n`), "person.json");
  const missing: string[] = [];
  let files = 0;
  for (const file of exported.files) {
    try {
      await storage.size(file.storageKey);
      // Opened only when yazl comes to it: on S3 an opened read is a response held open, which the
      // server drops if it waits behind a long recording.
      zip.addReadStreamLazy(file.path, (done) => {
        storage.read(file.storageKey).then(
          (stream) => done(null, stream),
          (error: unknown) => done(error, Readable.from([])),
        );
      });
      files++;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      missing.push(file.path);
    }
  }
  if (missing.length) zip.addBuffer(Buffer.from(`${missing.join("\n")}\n`), "missing-files.txt");
  zip.end();
  await done;
  return { files, missing };
}

/** Writes the export to a file, complete or not at all (a temporary name, renamed at the end). */
export async function writeExportZipFile(exported: PersonExport, storage: BlobStorage, path: string) {
  const partial = `${path}.partial`;
  try {
    const result = await writeExportZip(exported, storage, createWriteStream(partial, { mode: 0o600 }));
    await rename(partial, path);
    return result;
  } finally {
    await rm(partial, { force: true });
  }
}
