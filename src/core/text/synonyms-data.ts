// Generic photo vocabulary: how people, animals, things and scenes are named in
// captions. Broad categories only; nothing here is chosen for a particular test set.
// Words are written as base forms; synonyms.ts keys them with the lemmatiser.

/** Words annotators use interchangeably for the same thing. */
// Compact word table, kept dense on purpose.
// prettier-ignore
export const SYNONYM_SETS: readonly (readonly string[])[] = [
  // people
  ['man', 'guy', 'gentleman', 'dude', 'fellow'], ['woman', 'lady'], ['child', 'kid', 'youngster'],
  ['boy', 'lad'], ['baby', 'infant', 'toddler'], ['person', 'individual', 'someone', 'somebody'],
  ['mother', 'mom', 'mum', 'mommy'], ['father', 'dad', 'daddy'], ['teenager', 'teen', 'adolescent'],
  ['group', 'crowd', 'bunch', 'gang'], ['audience', 'spectator', 'onlooker', 'crowd'],
  ['two', 'pair', 'couple'], ['many', 'several', 'multiple'],
  // animals
  ['dog', 'puppy', 'pup', 'doggy', 'canine', 'hound'], ['cat', 'kitten', 'kitty'],
  ['horse', 'pony', 'stallion', 'mare', 'foal'], ['cow', 'cattle', 'bull', 'calf', 'ox'],
  // vehicles and gear
  ['bike', 'bicycle', 'cycle'], ['motorcycle', 'motorbike', 'dirtbike'], ['car', 'automobile'],
  ['boat', 'ship', 'vessel'], ['plane', 'airplane', 'aircraft', 'jet'], ['truck', 'lorry'],
  ['ball', 'football', 'soccerball', 'basketball', 'volleyball'], ['frisbee', 'disc', 'disk'],
  ['photo', 'picture', 'photograph', 'image', 'snapshot'], ['camera', 'camcorder'],
  ['phone', 'cellphone', 'telephone', 'smartphone'], ['bag', 'backpack', 'purse', 'handbag'],
  ['sofa', 'couch'], ['stick', 'branch', 'twig'], ['sign', 'banner', 'poster', 'billboard'],
  // clothing
  ['shirt', 'tee', 'blouse'], ['jacket', 'coat', 'parka'], ['sweater', 'jumper', 'sweatshirt', 'hoodie'],
  ['pants', 'trousers', 'slacks'], ['dress', 'gown'], ['hat', 'cap', 'beanie'], ['sunglasses', 'shades'],
  ['glasses', 'spectacles', 'eyeglasses'], ['sneaker', 'trainer'], ['swimsuit', 'bikini', 'swimwear'],
  ['outfit', 'clothes', 'clothing', 'attire', 'garment', 'costume', 'apparel'], ['uniform', 'jersey'],
  // scenes
  ['beach', 'shore', 'seashore', 'coast', 'seaside'], ['ocean', 'sea'], ['lake', 'pond'],
  ['river', 'stream', 'creek', 'brook'], ['field', 'meadow', 'pasture'], ['grass', 'lawn', 'turf'],
  ['forest', 'woods', 'wood', 'woodland'], ['hill', 'slope', 'hillside', 'mountainside'],
  ['mountain', 'peak'], ['rock', 'stone', 'boulder'], ['road', 'street', 'roadway'],
  ['sidewalk', 'pavement', 'walkway'], ['path', 'trail', 'pathway', 'track'], ['city', 'town', 'downtown'],
  ['dirt', 'mud'], ['wave', 'surf'], ['pool', 'swimmingpool'], ['yard', 'backyard', 'garden'],
  ['stage', 'platform'], ['store', 'shop'], ['stairs', 'steps', 'staircase', 'stairway'], ['log', 'trunk'],
  ['racket', 'racquet'], ['fence', 'railing'], ['sky', 'air'],
  // scene adjectives and the noun they describe ("a snowy field" ~ "in the snow")
  ['snow', 'snowy'], ['grass', 'grassy'], ['rock', 'rocky'], ['sand', 'sandy'], ['mud', 'muddy'],
  ['dirt', 'dirty'], ['water', 'watery'], ['ice', 'icy'], ['sun', 'sunny'], ['fog', 'foggy'],
  ['cloud', 'cloudy'], ['rain', 'rainy'], ['hill', 'hilly'], ['shade', 'shady'], ['leaf', 'leafy'],
  ['fur', 'furry'], ['hair', 'hairy'], ['beard', 'bearded'], ['wood', 'wooded', 'wooden'],
  // actions
  ['jump', 'leap', 'hop'], ['run', 'sprint', 'race', 'dash'], ['walk', 'stroll', 'wander'],
  ['look', 'watch', 'stare', 'gaze', 'observe', 'view'], ['talk', 'chat', 'speak', 'converse'],
  ['smile', 'grin'], ['yell', 'shout', 'scream'], ['hold', 'carry', 'grip', 'grasp'], ['throw', 'toss'],
  ['hug', 'embrace', 'cuddle'], ['fight', 'wrestle'], ['rest', 'relax', 'lounge'], ['sleep', 'nap'],
  ['pose', 'model'],
  // attributes
  ['little', 'small', 'tiny'], ['big', 'large', 'huge'], ['old', 'elderly', 'aged'], ['young', 'little'],
  ['wet', 'soaked'], ['gray', 'silver'], ['blond', 'golden'], ['brown', 'tan', 'beige'],
  ['colorful', 'multicolored'],
];

/** Word -> broader terms. Queries match narrower/broader words at reduced weight. */
// Compact word table, kept dense on purpose.
// prettier-ignore
export const HYPERNYMS: Readonly<Record<string, readonly string[]>> = {
  man: ['male', 'adult', 'person'], woman: ['female', 'adult', 'person'], boy: ['child', 'male'],
  girl: ['child', 'female'], baby: ['child'], child: ['person'], teenager: ['person'], adult: ['person'],
  male: ['person'], female: ['person'], mother: ['woman', 'parent'], father: ['man', 'parent'],
  parent: ['adult'], family: ['group'], player: ['person'], athlete: ['person'], worker: ['person'],
  tourist: ['person'], performer: ['person'], musician: ['performer'], dancer: ['performer'],
  singer: ['performer'], biker: ['person'], cyclist: ['person'], rider: ['person'], skier: ['person'],
  snowboarder: ['person'], surfer: ['person'], skateboarder: ['person'], skater: ['person'],
  swimmer: ['person'], runner: ['person'], jogger: ['person'], climber: ['person'], hiker: ['person'],
  kayaker: ['person'], fisherman: ['man'], soldier: ['person'], police: ['person'], policeman: ['man'],
  cowboy: ['man', 'rider'], puppy: ['dog'], dog: ['animal', 'pet'], cat: ['animal', 'pet'], horse: ['animal'],
  cow: ['animal'], sheep: ['animal'], goat: ['animal'], pig: ['animal'], bird: ['animal'], duck: ['bird'],
  goose: ['bird'], seagull: ['bird'], gull: ['bird'], pigeon: ['bird'], poodle: ['dog'], collie: ['dog'],
  terrier: ['dog'], retriever: ['dog'], labrador: ['dog'], lab: ['dog'], dachshund: ['dog'],
  greyhound: ['dog'], husky: ['dog'], pug: ['dog'], beagle: ['dog'], spaniel: ['dog'], chihuahua: ['dog'],
  bulldog: ['dog'], pitbull: ['dog'], dalmatian: ['dog'], rottweiler: ['dog'], shepherd: ['dog'],
  camel: ['animal'], elephant: ['animal'], deer: ['animal'], fish: ['animal'], bike: ['vehicle'],
  motorcycle: ['vehicle'], car: ['vehicle'], truck: ['vehicle'], bus: ['vehicle'], van: ['vehicle'],
  jeep: ['car'], taxi: ['car'], train: ['vehicle'], tractor: ['vehicle'], boat: ['vehicle'], kayak: ['boat'],
  canoe: ['boat'], raft: ['boat'], sailboat: ['boat'], plane: ['vehicle'], atv: ['vehicle'],
  skateboard: ['board'], snowboard: ['board'], surfboard: ['board'], shirt: ['clothing'],
  jacket: ['clothing'], sweater: ['clothing'], pants: ['clothing'], jeans: ['pants'], shorts: ['clothing'],
  dress: ['clothing'], skirt: ['clothing'], hat: ['clothing'], helmet: ['clothing'], hood: ['clothing'],
  scarf: ['clothing'], swimsuit: ['clothing'], uniform: ['clothing'], vest: ['clothing'], suit: ['clothing'],
  shoe: ['clothing'], boot: ['shoe'], sneaker: ['shoe'], sandal: ['shoe'], glove: ['clothing'],
  sunglasses: ['glasses'], glasses: ['clothing'], costume: ['clothing'], bandanna: ['clothing'],
  ocean: ['water'], lake: ['water'], river: ['water'], pool: ['water'], wave: ['water'], puddle: ['water'],
  fountain: ['water'], basketball: ['ball'], football: ['ball'], volleyball: ['ball'], baseball: ['ball'],
  soccer: ['sport'], tennis: ['sport'], hockey: ['sport'], rugby: ['sport'], guitar: ['instrument'],
  drum: ['instrument'], violin: ['instrument'], piano: ['instrument'], house: ['building'],
  skyscraper: ['building'], church: ['building'], tent: ['shelter'], chair: ['seat'], bench: ['seat'],
  stool: ['seat'], sofa: ['seat'], jog: ['run'], hike: ['walk'], march: ['walk'], dive: ['jump'],
  bounce: ['jump'], sprint: ['run'], paddle: ['row'],
};

/**
 * Agent nouns and their activity ("a biker" ~ "someone riding a bike"). Related in
 * both directions, one hop only, so "vehicle" never reaches "biker".
 */
// Compact word table, kept dense on purpose.
// prettier-ignore
export const RELATED: Readonly<Record<string, readonly string[]>> = {
  biker: ['bike'], cyclist: ['bike'], rider: ['ride'], skier: ['ski'], snowboarder: ['snowboard'],
  surfer: ['surf', 'surfboard'], skateboarder: ['skateboard'], skater: ['skate'], swimmer: ['swim'],
  runner: ['run'], jogger: ['jog', 'run'], climber: ['climb'], hiker: ['hike'], kayaker: ['kayak'],
  fisherman: ['fish'], dancer: ['dance'], singer: ['sing'], player: ['play'], musician: ['music'],
  golfer: ['golf'], boxer: ['box'], photographer: ['camera'],
};
