// Tiny flag parser: --name value, --flag, --no-flag.
export function parseArgs(argv: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const key = a.slice(2);
    if (key.startsWith('no-')) out.set(key.slice(3), 'false');
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) out.set(key, argv[++i]);
    else out.set(key, 'true');
  }
  return out;
}

export const numList = (s: string): number[] => s.split(',').map((x) => Number(x.trim()));
