// Irregular forms the suffix rules in lemmatize.ts cannot derive. Plain data.

/** Irregular plural nouns (and plural-looking words that must not be stripped). */
// Compact word table, kept dense on purpose.
// prettier-ignore
export const IRREGULAR_NOUNS: Readonly<Record<string, string>> = {
  men: 'man', women: 'woman', children: 'child', kids: 'kid', people: 'person', persons: 'person',
  feet: 'foot', teeth: 'tooth', geese: 'goose', mice: 'mouse', oxen: 'ox', dice: 'die', wives: 'wife',
  knives: 'knife', lives: 'life', leaves: 'leaf', wolves: 'wolf', calves: 'calf', halves: 'half',
  shelves: 'shelf', scarves: 'scarf', loaves: 'loaf', thieves: 'thief', hooves: 'hoof', elves: 'elf',
  selves: 'self', gentlemen: 'gentleman', firemen: 'fireman', policemen: 'policeman', fishermen: 'fisherman',
  businessmen: 'businessman', cowboys: 'cowboy', shoes: 'shoe', toes: 'toe', canoes: 'canoe', horses: 'horse',
  houses: 'house', buses: 'bus', glasses: 'glasses', sunglasses: 'sunglasses', goggles: 'goggles',
  pants: 'pants', jeans: 'jeans', shorts: 'shorts', trousers: 'trousers', clothes: 'clothes',
  stairs: 'stairs', news: 'news', series: 'series', species: 'species', sheep: 'sheep', deer: 'deer',
  fish: 'fish', cactus: 'cactus', cacti: 'cactus', bikinis: 'bikini', skis: 'ski', taxis: 'taxi',
  tennis: 'tennis', dress: 'dress', grass: 'grass', glass: 'glass', lens: 'lens', canvas: 'canvas',
};

/** Irregular verb forms -> base form. */
// Compact word table, kept dense on purpose.
// prettier-ignore
export const IRREGULAR_VERBS: Readonly<Record<string, string>> = {
  is: 'be', are: 'be', was: 'be', were: 'be', been: 'be', being: 'be', am: 'be', has: 'have', had: 'have',
  having: 'have', does: 'do', did: 'do', done: 'do', doing: 'do', goes: 'go', went: 'go', gone: 'go',
  going: 'go', ran: 'run', sat: 'sit', rode: 'ride', ridden: 'ride', swam: 'swim', swum: 'swim', ate: 'eat',
  eaten: 'eat', threw: 'throw', thrown: 'throw', caught: 'catch', held: 'hold', stood: 'stand', took: 'take',
  taken: 'take', fell: 'fall', fallen: 'fall', flew: 'fly', flown: 'fly', lay: 'lie', lain: 'lie',
  lying: 'lie', dying: 'die', tying: 'tie', lies: 'lie', ties: 'tie', dove: 'dive', wore: 'wear',
  worn: 'wear', drove: 'drive', driven: 'drive', built: 'build', bought: 'buy', brought: 'bring', dug: 'dig',
  drew: 'draw', drawn: 'draw', fought: 'fight', found: 'find', gave: 'give', given: 'give', got: 'get',
  gotten: 'get', grew: 'grow', grown: 'grow', hung: 'hang', hid: 'hide', hidden: 'hide', kept: 'keep',
  knelt: 'kneel', leapt: 'leap', made: 'make', met: 'meet', paid: 'pay', rose: 'rise', risen: 'rise',
  said: 'say', saw: 'see', seen: 'see', sang: 'sing', sung: 'sing', sank: 'sink', slid: 'slide', spun: 'spin',
  sprang: 'spring', stuck: 'stick', struck: 'strike', swung: 'swing', taught: 'teach', told: 'tell',
  thought: 'think', tore: 'tear', torn: 'tear', won: 'win', wrote: 'write', written: 'write', blew: 'blow',
  blown: 'blow', began: 'begin', begun: 'begin', bit: 'bite', bitten: 'bite', broke: 'break', broken: 'break',
  chose: 'choose', drank: 'drink', froze: 'freeze', frozen: 'freeze', shook: 'shake', shaken: 'shake',
  slept: 'sleep', spent: 'spend', stole: 'steal', swept: 'sweep', led: 'lead', fed: 'feed', felt: 'feel',
  heard: 'hear', sold: 'sell', sent: 'send', shot: 'shoot', sped: 'speed', woke: 'wake', wove: 'weave',
  splashes: 'splash', watches: 'watch', catches: 'catch', skiing: 'ski', skied: 'ski', skies: 'ski',
};
