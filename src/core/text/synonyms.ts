// Synonym/hypernym lookup over index keys. Built once from synonyms-data.ts.
import { keyOf } from './lemmatize.ts';
import { HYPERNYMS, RELATED, SYNONYM_SETS } from './synonyms-data.ts';

export type Relation = 'exact' | 'synonym' | 'broader' | 'narrower' | 'related';

export interface Expansion {
  readonly key: string;
  readonly relation: Relation;
}

const synonyms = new Map<string, Set<string>>();
const parents = new Map<string, Set<string>>();
const children = new Map<string, Set<string>>();
const related = new Map<string, Set<string>>();

function link(map: Map<string, Set<string>>, from: string, to: string): void {
  if (from === to) return;
  let set = map.get(from);
  if (!set) map.set(from, (set = new Set()));
  set.add(to);
}

for (const ring of SYNONYM_SETS) {
  const keys = ring.map((w) => keyOf(w));
  for (const a of keys) for (const b of keys) link(synonyms, a, b);
}
for (const [word, supers] of Object.entries(HYPERNYMS)) {
  for (const sup of supers) {
    link(parents, keyOf(word), keyOf(sup));
    link(children, keyOf(sup), keyOf(word));
  }
}

for (const [word, others] of Object.entries(RELATED)) {
  for (const other of others) {
    link(related, keyOf(word), keyOf(other));
    link(related, keyOf(other), keyOf(word));
  }
}

/** Key plus its synonyms (one hop: rings are not merged transitively). */
function withSynonyms(key: string): Set<string> {
  return new Set([key, ...(synonyms.get(key) ?? [])]);
}

/** All keys reachable through `map` from any of `start`, each widened by its synonyms. */
function closure(start: Iterable<string>, map: Map<string, Set<string>>): Set<string> {
  const seen = new Set<string>();
  const queue = [...start];
  while (queue.length > 0) {
    const k = queue.pop() as string;
    for (const next of map.get(k) ?? []) {
      for (const n of withSynonyms(next)) {
        if (!seen.has(n)) {
          seen.add(n);
          queue.push(n);
        }
      }
    }
  }
  return seen;
}

const cache = new Map<string, readonly Expansion[]>();

/** Related keys for query expansion; the closest relation wins for each key. */
export function expandKey(key: string): readonly Expansion[] {
  const hit = cache.get(key);
  if (hit) return hit;
  const out = new Map<string, Relation>([[key, 'exact']]);
  const same = withSynonyms(key);
  for (const k of same) if (!out.has(k)) out.set(k, 'synonym');
  for (const k of closure(same, parents)) if (!out.has(k)) out.set(k, 'broader');
  for (const k of closure(same, children)) if (!out.has(k)) out.set(k, 'narrower');
  for (const s of same) for (const k of related.get(s) ?? []) if (!out.has(k)) out.set(k, 'related');
  const list = [...out].map(([k, relation]) => ({ key: k, relation }));
  cache.set(key, list);
  return list;
}

const relationCache = new Map<string, ReadonlyMap<string, Relation>>();

/** How two keys relate, from `a`'s point of view (undefined: unrelated). */
export function relationOf(a: string, b: string): Relation | undefined {
  if (a === b) return 'exact';
  let map = relationCache.get(a);
  if (!map) relationCache.set(a, (map = new Map(expandKey(a).map((e) => [e.key, e.relation]))));
  return map.get(b);
}

/** True if `key` is `category` or a narrower term of it (e.g. shirt is-a clothing). */
export function isA(key: string, category: string): boolean {
  const cat = keyOf(category);
  return key === cat || closure(withSynonyms(key), parents).has(cat);
}
