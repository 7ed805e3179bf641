import { describe, expect, it } from "vitest";
import { historyPreview, previewOf, readPreview } from "../../src/domain/chat/present.ts";

// The console draws an icon and words for an attachment-only message: emoji need a font many machines lack.
describe("inbox previews of attachment-only messages", () => {
  it("say which kind of attachment was sent, with no emoji in the text", () => {
    const file = (kind: "image" | "voice" | "file", file_name: string) => [{ kind, file_name }];
    expect(readPreview(previewOf("", file("image", "a.png")))).toEqual({ body: "", attachment: "image" });
    expect(readPreview(previewOf("", file("voice", "voice-note.webm")))).toEqual({ body: "", attachment: "voice" });
    expect(readPreview(previewOf("  ", file("file", "invoice.pdf")))).toEqual({ body: "invoice.pdf", attachment: "file" });
    expect(readPreview(previewOf("Where is  my\norder?", file("image", "a.png")))).toEqual({ body: "Where is my order?", attachment: null });
    expect(historyPreview(previewOf("", file("voice", "v.webm")))).toEqual({ lastMessage: "", lastAttachment: "voice" });
    expect(historyPreview(null)).toEqual({ lastMessage: null, lastAttachment: null });
  });
});
