// Words for the OCR eval set. Query words are rare on purpose (no caption of a street photo says
// "dentist"): a hit on one means the text was read. Each image's query words come from QUERY_WORDS
// without replacement, so a query has one right answer; FILLER words may repeat across images.
export const QUERY_WORDS = `
dentist invoice password router voucher pharmacy bakery plumber pottery museum library
laundry garage cinema theatre stadium harbour airport station platform ticket receipt
balance transfer deposit mortgage pension salary refund coupon discount shipping tracking
parcel courier delivery warranty battery charger keyboard monitor printer scanner laptop
tablet camera speaker headphones microphone projector network firewall backup upgrade
license account profile settings privacy security calendar meeting reminder birthday
wedding vacation holiday passport visa embassy consulate hotel hostel booking checkout
checkin luggage baggage customs terminal gate boarding departure arrival schedule timetable
subway tram ferry bicycle scooter parking garage toll highway bridge tunnel exit detour
recipe ingredients butter flour sugar cinnamon vanilla chocolate espresso cappuccino latte
smoothie sandwich burrito lasagna risotto noodles dumplings sushi pancakes waffles omelette
yoghurt cheddar mozzarella avocado broccoli spinach tomatoes cucumber pepper garlic onion
lemon orange banana mango pineapple strawberry blueberry raspberry cherry apricot walnut
almond peanut cashew hazelnut pistachio coconut ginger turmeric paprika oregano basil
thyme rosemary parsley mint saffron vinegar mustard ketchup mayonnaise pickles olives
hammer wrench screwdriver pliers drill ladder paint brush roller sandpaper glue tape
marathon triathlon yoga pilates karate boxing tennis badminton volleyball hockey cricket
rugby baseball bowling archery fencing rowing sailing surfing skiing snowboard climbing
violin cello trumpet saxophone clarinet flute piano guitar drums orchestra concert festival
gallery exhibition sculpture portrait landscape watercolor pencil notebook folder stapler
envelope postcard stamp letter package invoice quotation estimate contract agreement
insurance claim policy premium deductible clinic hospital surgery appointment vaccine
prescription dosage tablet capsule ointment bandage thermometer allergy vitamin
`
  .trim()
  .split(/\s+/)
  .filter((w, i, all) => all.indexOf(w) === i);

export const FILLER = `
the and for with your from this that will have our you are please new today now more all
just here there when what about into over after before then time day week month year
open close call send reply share save edit view show help home back next done cancel
`
  .trim()
  .split(/\s+/);

export const NAMES = ['Anna', 'Marco', 'Priya', 'Tomás', 'Lena', 'Kenji', 'Sofia', 'Omar', 'Grace', 'Felix', 'Nadia', 'Hugo'];

/** Mulberry32: the set is the same for the same seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;

export function shuffled<T>(r: () => number, xs: readonly T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
