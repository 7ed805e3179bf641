// What a visitor typed above the quoted conversation: mail clients append the earlier mail in
// several ways, and people add signatures. Cut at the first line that starts any of them.

const CUT_LINES: RegExp[] = [
  // Gmail, Apple Mail, Thunderbird: "On Tue, 1 Dec 2026 at 10:00, Destek <…> wrote:"
  /^\s*On\b.*\bwrote:\s*$/i,
  // Turkish clients: "1 Ara 2026 Sal, 10:00 tarihinde Destek <…> şunu yazdı:"
  /^.*\btarihinde\b.*\b(şunu )?yazdı:\s*$/i,
  // German and French clients, which visitors also use.
  /^\s*Am\b.*\bschrieb\b.*:\s*$/i,
  /^\s*Le\b.*\ba écrit\s*:\s*$/i,
  // Outlook's separator lines and header block.
  /^\s*-{2,}\s*(Original Message|Orijinal İleti|Özgün İleti)\s*-{2,}\s*$/i,
  /^\s*_{10,}\s*$/,
  // A signature: "-- " on its own line (RFC 3676), and the phone apps' footers.
  /^--\s?$/,
  /^\s*Sent from my \w+/i,
  /^\s*(iPhone|Android)('dan|'den)? gönderildi/i,
];

/** The reply without the quoted earlier mail and signature; lines of "> " quotes are dropped wherever they are. */
export function trimReply(text: string): string {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const kept: string[] = [];
  for (const [index, line] of lines.entries()) {
    if (CUT_LINES.some((pattern) => pattern.test(line))) break;
    // "On …" headers that wrap onto two lines: the cut is at the first one.
    const joined = `${line} ${lines[index + 1] ?? ""}`;
    if (/^\s*On\b/i.test(line) && /\bwrote:\s*$/i.test(joined) && !/\bwrote:/i.test(line)) break;
    if (isOutlookHeader(lines, index)) break;
    if (/^\s*>/.test(line)) continue;
    kept.push(line);
  }
  return kept.join("\n").trim();
}

/** Outlook's "From: … / Sent: …" block (Turkish: "Kimden: … / Gönderildi: …"), not any line starting with "From:". */
function isOutlookHeader(lines: string[], index: number): boolean {
  if (!/^\s*\*?(From|Kimden)\s*:\*?\s*\S/i.test(lines[index] ?? "")) return false;
  return lines.slice(index + 1, index + 4).some((next) => /^\s*\*?(Sent|Date|Gönderildi|Tarih)\s*:/i.test(next));
}
