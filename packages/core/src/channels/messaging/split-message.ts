/**
 * Split a reply into parts of at most `maxLength` characters, in order, so a
 * long answer reaches the customer as several messages instead of failing.
 * Cuts prefer, in turn: a sentence end (`.` `!` `?` `…` and CJK stops, or a
 * line break), then whitespace, then any character boundary that does not
 * split a surrogate pair. Parts are trimmed; no part is empty.
 */
export function splitMessage(text: string, maxLength: number): string[] {
  if (!Number.isInteger(maxLength) || maxLength < 2) throw new RangeError('maxLength must be an integer ≥ 2');
  const trimmed = text.trim();
  if (trimmed === '') return [];
  if (trimmed.length <= maxLength) return [trimmed];

  const parts: string[] = [];
  let current = '';
  const flush = () => {
    const part = current.trim();
    if (part) parts.push(part);
    current = '';
  };
  const pack = (pieces: readonly string[], fallback: (piece: string) => readonly string[]) => {
    for (const piece of pieces) {
      if ((current + piece).trimEnd().length <= maxLength) {
        current += piece;
        continue;
      }
      flush();
      if (piece.trim().length <= maxLength) current = piece.trimStart();
      else for (const smaller of fallback(piece)) packOne(smaller);
    }
  };
  // Pieces from a fallback are already ≤ maxLength (or further split), so they only need packing.
  const packOne = (piece: string) => {
    if ((current + piece).trimEnd().length <= maxLength) current += piece;
    else {
      flush();
      current = piece.trimStart();
    }
  };

  pack(sentences(trimmed), (sentence) =>
    words(sentence).flatMap((word) =>
      word.trim().length <= maxLength ? [word] : hardSplit(word, maxLength),
    ),
  );
  flush();
  return parts;
}

// A sentence ends after its terminator(s) and closing quotes/brackets when whitespace follows
// ("3.14" and "e.g.x" are not ends), after CJK stops, or at a line break.
const SENTENCE_END = /[.!?…]+["'”’)\]]*\s+|[。！？]+\s*|\n+/gu;

function sentences(text: string): string[] {
  // Slicing between match ends keeps every character: nothing is lost or reordered.
  const out: string[] = [];
  let start = 0;
  for (const match of text.matchAll(SENTENCE_END)) {
    const end = (match.index ?? 0) + match[0].length;
    out.push(text.slice(start, end));
    start = end;
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

function words(text: string): string[] {
  return text.match(/\S+\s*/gu) ?? [text];
}

function hardSplit(word: string, maxLength: number): string[] {
  const out: string[] = [];
  let chunk = '';
  for (const ch of word) {
    // Iterating by code point keeps surrogate pairs (emoji) whole.
    if (chunk.length + ch.length > maxLength) {
      out.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) out.push(chunk);
  return out;
}
