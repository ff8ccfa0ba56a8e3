/*
 * Whether the name read from a document is the bank's customerName: the same person's name as
 * printed (Hangul with hanja in parentheses, MRZ "HONG<<GILDONG") and as typed by the bank
 * ("홍 길동", "Hong Gildong", "Gildong Hong").
 */

/** A name reduced to comparable tokens: no hanja in brackets, MRZ fillers as spaces, lower case. */
export function nameTokens(name: string): string[] {
  return name
    .normalize('NFKC')
    .replace(/[([{（][^)\]}）]*[)\]}）]?/g, ' ')
    .replace(/</g, ' ')
    .replace(/[,.\-'’]/g, ' ')
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean);
}

/**
 * True when both names have the same letters once spaces are dropped, or the same tokens in any
 * order (surname-first on the document, given-name-first at the bank).
 */
export function namesMatch(printed: string, customerName: string): boolean {
  const a = nameTokens(printed);
  const b = nameTokens(customerName);
  if (a.length === 0 || b.length === 0) return false;
  if (a.join('') === b.join('')) return true;
  return [...a].sort().join(' ') === [...b].sort().join(' ');
}
