import type { FastifyRequest } from "fastify";
import { DomainError, invalid } from "../domain/errors.ts";

/** Reads the single `file` part of a multipart upload, stopping at the size limit. */
export async function readUpload(request: FastifyRequest, maxBytes: number): Promise<{ data: Buffer; fileName: string | undefined; voice: boolean; truncated: boolean }> {
  if (!request.isMultipart()) throw invalid("invalid_file", "Send the file as multipart/form-data in a field named \"file\".");
  try {
    const part = await request.file({ limits: { fileSize: maxBytes, files: 1, fields: 5, fieldSize: 100 } });
    if (part?.fieldname !== "file") throw invalid("invalid_file", "Send the file in a field named \"file\".");
    const chunks: Buffer[] = [];
    for await (const chunk of part.file) chunks.push(chunk as Buffer);
    const kindField = part.fields.kind;
    const kind = kindField && !Array.isArray(kindField) && kindField.type === "field" ? String(kindField.value) : undefined;
    return { data: Buffer.concat(chunks), fileName: part.filename, voice: kind === "voice", truncated: part.file.truncated };
  } catch (error) {
    throw malformedUpload(error);
  }
}

// The multipart parser throws plain errors for a broken body ("Multipart: Boundary not found",
// "Unexpected end of form"): the client's fault, so a 400, not a 500. Errors with a status (too
// large, too many parts) and our own keep theirs.
function malformedUpload(error: unknown): unknown {
  if (error instanceof DomainError || (error instanceof Error && "statusCode" in error)) return error;
  const reason = error instanceof Error ? error.message.slice(0, 100) : "unreadable";
  return invalid("invalid_file", `The upload is not valid multipart/form-data (${reason}).`);
}
