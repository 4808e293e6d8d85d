// Plain words for a search that ran without its models: why, and what to do. Pure (unit-tested).

/** A model error as it arrives from the worker: `name` tells the kind, `message` the details. */
export interface ModelProblem {
  name: string;
  message: string;
}

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);
const sentence = (s: string): string => (/[.!?]$/.test(s.trim()) ? s.trim() : `${s.trim()}.`);

/** What to do, when the message does not already say it (ModelUnavailableError names three ways). */
function remedy(p: ModelProblem): string {
  if (p.name === 'ModelUnavailableError') return '';
  if (p.name === 'ModelLoadError') return ' Try the WASM backend in Settings → Models, or reload the page.';
  return ' Reload the page, or load the models again in Settings → Models.';
}

/** "Searching by keywords only: <why>. <what to do>" plus what still works. */
export function keywordOnlyNotice(p: ModelProblem): string {
  return `Searching by keywords only: ${sentence(lowerFirst(p.message))}${remedy(p)} Photos already indexed are still found by the words in their captions; nothing was removed.`;
}

/** A search by photo needs the models: say so with the model's own error. */
export function imageSearchError(p: ModelProblem): string {
  if (p.name === 'ModelUnavailableError' || p.name === 'ModelLoadError') return `Search by photo needs the models: ${p.message}`;
  return `Search failed: ${p.message}`;
}
