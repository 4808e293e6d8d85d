/**
 * How long the search box waits after a keystroke before searching: between most typists'
 * keystrokes, and a small part of the 300 ms a result may take to show. The benches subtract it.
 */
export const SEARCH_DEBOUNCE_MS = 120;
