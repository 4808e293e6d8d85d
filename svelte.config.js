// Runes everywhere: Svelte 5 components only, no legacy reactivity.
export default { compilerOptions: { runes: true } };
