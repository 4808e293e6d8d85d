// Colour words: searched by, bound to nouns in triplets, and checked for conflicts.
export const COLORS: ReadonlySet<string> = new Set(
  `black white red blue green yellow orange purple pink brown gray tan beige blond golden
   silver dark light navy maroon teal turquoise multicolored colorful striped`.split(/\s+/u),
);

export function isColor(word: string): boolean {
  return COLORS.has(word);
}
