// Text pages for the screenshot half of the OCR eval set: a chat, a note, a receipt, a settings
// card, an event and an email, as HTML a headless Chromium renders at phone and desktop sizes, in
// light and dark. Every page carries its query words among ordinary filler; `text` is what a
// reader sees, in reading order (for word recall and CER).
import { FILLER, NAMES, pick, type rng } from './words.ts';

type Rng = ReturnType<typeof rng>;

export interface Page {
  html: string;
  /** The visible words, in reading order. */
  text: string;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function sentence(r: Rng, words: readonly string[], n: number): string {
  const out: string[] = [];
  const keep = [...words];
  for (let i = 0; i < n || keep.length > 0; i++) {
    if (keep.length > 0 && (r() < 0.35 || i >= n)) out.push(keep.shift() as string);
    else out.push(pick(r, FILLER));
  }
  const s = out.join(' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const price = (r: Rng): string => `${Math.floor(r() * 90 + 1)}.${String(Math.floor(r() * 100)).padStart(2, '0')}`;

/** Lines of one page; the query words are spread over them. */
function lines(kind: number, r: Rng, q: readonly string[]): { title: string; rows: string[] } {
  const [a = '', b = '', c = ''] = q;
  switch (kind) {
    case 0:
      return { title: pick(r, NAMES), rows: [sentence(r, [a], 5), sentence(r, [], 4), sentence(r, [b], 6), sentence(r, [c], 3)] };
    case 1:
      return { title: `Notes: ${a}`, rows: [sentence(r, [], 8), sentence(r, [b], 9), sentence(r, [c], 7), sentence(r, [], 6)] };
    case 2:
      return { title: 'Receipt', rows: [`${a} ${price(r)}`, `${pick(r, FILLER)} ${price(r)}`, `${b} ${price(r)}`, `${c} ${price(r)}`, `Total ${price(r)}`] };
    case 3:
      return { title: 'Settings', rows: [`Wi-Fi ${a}`, `Bluetooth ${pick(r, FILLER)}`, `${b} on`, `Password ${c}${Math.floor(r() * 900 + 100)}`] };
    case 4:
      return { title: `${a} ${Math.floor(r() * 12 + 1)}:${r() < 0.5 ? '00' : '30'} pm`, rows: [`With ${pick(r, NAMES)}`, sentence(r, [b], 5), sentence(r, [c], 4)] };
    default:
      return { title: `Re: ${a}`, rows: [`From ${pick(r, NAMES)}`, sentence(r, [b], 10), sentence(r, [], 8), sentence(r, [c], 6)] };
  }
}

export interface PageStyle {
  phone: boolean;
  dark: boolean;
  font: string;
}

export function textPage(r: Rng, q: readonly string[], style: PageStyle): Page {
  const kind = Math.floor(r() * 6);
  const { title, rows } = lines(kind, r, q);
  const [bg, fg, card, muted] = style.dark ? ['#121212', '#e8e8e8', '#1f1f24', '#9aa0a6'] : ['#ffffff', '#1b1b1b', '#f1f3f4', '#5f6368'];
  const size = style.phone ? 17 : 15;
  const bubble = (row: string, i: number): string =>
    kind === 0
      ? `<p class="b ${i % 2 ? 'me' : ''}">${esc(row)}</p>`
      : `<p class="row">${esc(row)}</p>`;
  const html = `<!doctype html><meta charset="utf-8"><style>
    body { margin: 0; background: ${bg}; color: ${fg}; font: ${size}px/1.45 ${style.font}; }
    header { padding: 14px 18px; font-weight: 600; font-size: ${size + 3}px; border-bottom: 1px solid ${card}; }
    main { padding: 12px 18px; max-width: ${style.phone ? 'none' : '720px'}; }
    .b { background: ${card}; border-radius: 16px; padding: 8px 12px; margin: 8px 0; max-width: 75%; }
    .b.me { margin-left: auto; background: ${style.dark ? '#0b57d0' : '#d3e3fd'}; }
    .row { margin: 10px 0; padding-bottom: 6px; border-bottom: 1px solid ${card}; }
    .status { color: ${muted}; font-size: ${size - 3}px; padding: 6px 18px; }
  </style><div class="status">9:41</div><header>${esc(title)}</header><main>${rows.map(bubble).join('')}</main>`;
  return { html, text: ['9:41', title, ...rows].join('\n') };
}
