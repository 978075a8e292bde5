/** "1 task", "2 tasks": every count Loom shows in words goes through here. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return n === 1 ? word : many;
}

/** The count and its word: countOf(1, 'agent') is "1 agent". */
export function countOf(n: number, word: string, many?: string): string {
  return `${n} ${plural(n, word, many)}`;
}
