/** Which settings changed between two documents, and from what to what, for the audit log. */
export interface SettingsChanges {
  /** Dotted paths of the changed values ("widget.colour"), sorted. */
  keys: string[];
  changes: Record<string, { from: unknown; to: unknown }>;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Compares two settings documents down to their leaves (objects are walked, arrays and scalars are
 * compared whole), so "widget.colour" is logged rather than the whole widget section.
 */
export function changesBetween(before: unknown, after: unknown, prefix = ""): SettingsChanges {
  const result: SettingsChanges = { keys: [], changes: {} };
  const visit = (a: unknown, b: unknown, path: string) => {
    if (isRecord(a) && isRecord(b)) {
      for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) visit(a[key], b[key], path ? `${path}.${key}` : key);
      return;
    }
    if (JSON.stringify(a) === JSON.stringify(b)) return;
    result.keys.push(path);
    result.changes[path] = { from: a ?? null, to: b ?? null };
  };
  visit(before, after, prefix);
  result.keys.sort();
  return result;
}
