// The length of a voice note, read from its container at upload. Browsers' MediaRecorder writes
// WebM as a live stream: no Duration in the header and clusters of unknown size, so players show
// 0:00 until they have read the whole file. The length is the last block's timecode instead.
// Ogg (Opus or Vorbis) carries it as the last page's granule position.

const EBML_HEADER = 0x1a45dfa3;
const SEGMENT = 0x18538067;
const INFO = 0x1549a966;
const TIMECODE_SCALE = 0x2ad7b1;
const DURATION = 0x4489;
const CLUSTER = 0x1f43b675;
const CLUSTER_TIMECODE = 0xe7;
const BLOCK_GROUP = 0xa0;
const BLOCK = 0xa1;
const SIMPLE_BLOCK = 0xa3;
const BLOCK_DURATION = 0x9b;
/** Elements whose children we read: their own size may be unknown (live WebM). */
const MASTERS = new Set([SEGMENT, INFO, CLUSTER, BLOCK_GROUP]);

/** A voice note longer than a day is a damaged or hostile file, not a measurement. */
const MAX_DURATION_MS = 24 * 60 * 60 * 1000;

/** Milliseconds of audio in a WebM or Ogg file, or null when the container is another or unreadable. */
export function audioDurationMs(data: Buffer): number | null {
  try {
    const ms = data.subarray(0, 4).toString("latin1") === "OggS" ? oggDurationMs(data) : webmDurationMs(data);
    return ms !== null && Number.isFinite(ms) && ms > 0 && ms <= MAX_DURATION_MS ? Math.round(ms) : null;
  } catch {
    return null;
  }
}

/** A variable-length integer at `at`: its value (marker kept for ids), its length, and whether all value bits are set (unknown size). */
function vint(data: Buffer, at: number, keepMarker: boolean): { value: number; length: number; unknown: boolean } | null {
  const first = data[at];
  if (first === undefined || first === 0) return null;
  const length = Math.clz32(first) - 23;
  if (at + length > data.length) return null;
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    const byte = data[at + i] ?? 0;
    value = value * 256 + byte;
    allOnes &&= byte === 0xff;
  }
  return { value, length, unknown: !keepMarker && allOnes };
}

function readUint(data: Buffer, at: number, size: number): number {
  let value = 0;
  for (let i = 0; i < size; i++) value = value * 256 + (data[at + i] ?? 0);
  return value;
}

function webmDurationMs(data: Buffer): number | null {
  if (data.length < 4 || data.readUInt32BE(0) !== EBML_HEADER) return null;
  let scaleNs = 1_000_000;
  let headerDuration: number | null = null;
  let clusterTimecode = 0;
  let lastEnd: number | null = null;
  let lastBlockStart = 0;
  let at = 0;
  while (at < data.length) {
    const id = vint(data, at, true);
    if (!id) break;
    const size = vint(data, at + id.length, false);
    if (!size) break;
    const body = at + id.length + size.length;
    // Descend into masters (their size may be unknown); step over everything else.
    if (MASTERS.has(id.value)) {
      at = body;
      continue;
    }
    if (size.unknown || body + size.value > data.length) break;
    if (id.value === TIMECODE_SCALE) scaleNs = readUint(data, body, size.value);
    else if (id.value === DURATION) headerDuration = size.value === 4 ? data.readFloatBE(body) : size.value === 8 ? data.readDoubleBE(body) : null;
    else if (id.value === CLUSTER_TIMECODE) clusterTimecode = readUint(data, body, size.value);
    else if (id.value === SIMPLE_BLOCK || id.value === BLOCK) {
      const track = vint(data, body, false);
      if (track) {
        lastBlockStart = clusterTimecode + data.readInt16BE(body + track.length);
        lastEnd = Math.max(lastEnd ?? 0, lastBlockStart);
      }
    } else if (id.value === BLOCK_DURATION) lastEnd = Math.max(lastEnd ?? 0, lastBlockStart + readUint(data, body, size.value));
    at = body + size.value;
  }
  const ticks = headerDuration ?? lastEnd;
  return ticks === null ? null : (ticks * scaleNs) / 1_000_000;
}

function oggDurationMs(data: Buffer): number | null {
  // The first packet says the codec: OpusHead (48 kHz, minus pre-skip) or Vorbis identification (its rate).
  const firstPacket = 27 + (data[26] ?? 0);
  const head = data.subarray(firstPacket, firstPacket + 30);
  let rate: number;
  let preSkip = 0;
  if (head.subarray(0, 8).toString("latin1") === "OpusHead") {
    rate = 48_000;
    preSkip = head.readUInt16LE(10);
  } else if (head.subarray(1, 7).toString("latin1") === "vorbis") {
    rate = head.readUInt32LE(12);
  } else return null;
  if (rate <= 0) return null;
  // The last page with a granule position (-1 marks a page where no packet ends).
  for (let at = data.lastIndexOf("OggS", data.length - 27, "latin1"); at >= 0; at = data.lastIndexOf("OggS", at - 1, "latin1")) {
    const granule = data.readBigInt64LE(at + 6);
    if (granule >= 0n) return (Number(granule - BigInt(preSkip)) / rate) * 1000;
    if (at === 0) break;
  }
  return null;
}
