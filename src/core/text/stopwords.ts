// Function words that carry no visual content. Prepositions are here too: their
// meaning is kept in triplet relations, not in the bag of words. Count words
// ("two", "three") are NOT stop words: "two dogs" vs "a dog" is visible.
const WORDS = `a an the and or but nor so yet of to in on at by for with from into onto
upon over under up down out off about above below across along around through
near behind beside besides between against among amongst toward towards past via
inside outside within without underneath beneath atop onto alongside while as
is are was were be been being am do does did doing done has have had having
it its itself this that these those there here their theirs them they he him his
she her hers herself himself i me my we us our you your yours one's
who whom whose which what where when why how than then too very just also
some any each every all both either neither such own same other another
can could will would shall should may might must not no yes
s t ll re ve d m o y let lets get gets got getting being onto`;

export const STOP_WORDS: ReadonlySet<string> = new Set(WORDS.split(/\s+/u).filter(Boolean));

export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word);
}
