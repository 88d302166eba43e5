/**
 * What follows `text` when a reply is finished with the apology: the apology after one space, or
 * without one when the text is empty or already ends in whitespace. The turn runner streams this
 * and the agent's history records the same, so what was said and what is remembered agree.
 */
export function apologySuffix(text: string, apology: string): string {
  return text === '' || /\s$/.test(text) ? apology : ` ${apology}`;
}
