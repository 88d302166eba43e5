// A small English stop list: words that match everything and rank nothing.
const STOP_WORDS = new Set(
  (
    'a an and are as at be but by for from has have how i in is it its me my of on or our so that the their them ' +
    'there these they this to was we were what when where which who why will with you your do does can'
  ).split(' '),
);

/** Light suffix stripping so "returns", "returned" and "returning" meet "return". */
function stem(word: string): string {
  if (word.length > 5 && word.endsWith('ing')) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith('ed')) return word.slice(0, -2);
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

/** Lowercase word tokens (letters and digits, any script), stop words dropped, lightly stemmed. */
export function tokenize(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.filter((w) => !STOP_WORDS.has(w)).map(stem);
}

/** A document's BM25 score for a query. */
export interface Scored<T> {
  item: T;
  /** Raw BM25 score (≥ 0). */
  bm25: number;
  /** `bm25 / (bm25 + 1)`: monotonic, in [0, 1), comparable with a relevance threshold. */
  score: number;
}

/** Tuning of {@link rankBm25}. */
export interface Bm25Options {
  /** Term-frequency saturation. @defaultValue 1.2 */
  k1?: number;
  /** Length normalization. @defaultValue 0.75 */
  b?: number;
}

/**
 * Rank documents with Okapi BM25 (the lexical half of Knowledge/Memory
 * search). Returns every document, best first; ties keep input order.
 */
export function rankBm25<T>(
  query: string,
  items: readonly T[],
  textOf: (item: T) => string,
  options: Bm25Options = {},
): Scored<T>[] {
  const k1 = options.k1 ?? 1.2;
  const b = options.b ?? 0.75;
  const docs = items.map((item) => ({ item, terms: tokenize(textOf(item)) }));
  const n = docs.length;
  const avgLength = n === 0 ? 0 : docs.reduce((s, d) => s + d.terms.length, 0) / n;
  const queryTerms = [...new Set(tokenize(query))];
  const df = new Map<string, number>();
  for (const term of queryTerms) df.set(term, docs.filter((d) => d.terms.includes(term)).length);
  const scored = docs.map(({ item, terms }, index) => {
    let bm25 = 0;
    for (const term of queryTerms) {
      const tf = terms.filter((t) => t === term).length;
      if (tf === 0) continue;
      const nq = df.get(term) ?? 0;
      const idf = Math.log(1 + (n - nq + 0.5) / (nq + 0.5));
      const norm = avgLength === 0 ? 1 : 1 - b + (b * terms.length) / avgLength;
      bm25 += (idf * (tf * (k1 + 1))) / (tf + k1 * norm);
    }
    return { item, bm25, score: bm25 / (bm25 + 1), index };
  });
  scored.sort((x, y) => y.bm25 - x.bm25 || x.index - y.index);
  return scored.map(({ item, bm25, score }) => ({ item, bm25, score }));
}
