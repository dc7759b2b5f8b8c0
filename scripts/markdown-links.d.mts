// Types of scripts/markdown-links.mjs for the test that imports it.
export function checkLinks(shipped: string[], read: (path: string) => string): { problems: string[]; count: number; pages: number };
