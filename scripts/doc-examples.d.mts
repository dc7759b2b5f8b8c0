// Types of scripts/doc-examples.mjs for the test that imports it.
export interface Example {
  file: string;
  index: number;
  /** Line of the block's first code line in the markdown, from 1. */
  line: number;
  kind: 'run' | 'throws' | 'check';
  code: string;
  /** The generated module's absolute path. */
  path: string;
}
export const generatedDir: string;
export function exampleFiles(): string[];
export function parseExamples(file: string, text: string): Example[];
export function collectExamples(): Example[];
export function moduleSource(block: Example): string;
export function writeExamples(): Example[];
