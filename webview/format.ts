/** Display formatting shared by the views. Pure, locale-independent, so screenshots are stable. */

export function formatTokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 10_000) return `${(n / 1000).toFixed(1)}k`;
  if (n < 1_000_000) return `${Math.round(n / 1000)}k`;
  return `${(n / 1_000_000).toFixed(2)}M`;
}

/** Grouped digits: 40962 → 40,962. */
export function formatCount(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  const m = Math.floor(s / 60);
  const rest = Math.round(s - m * 60);
  if (m < 60) return `${m}m ${String(rest).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** An offset from the run's start: +1:05, +12:00. */
export function formatOffset(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const m = Math.floor(total / 60);
  const s = total % 60;
  return `+${m}:${String(s).padStart(2, '0')}`;
}

/** Wall-clock time in UTC (the journal's clock), HH:MM:SS. */
export function formatClock(ts: number): string {
  return new Date(ts).toISOString().slice(11, 19);
}

export function shortSha(sha: string | null): string {
  return sha ? sha.slice(0, 7) : '—';
}

export function percent(part: number, whole: number): number {
  return whole > 0 ? Math.round((part / whole) * 100) : 0;
}

/** Pretty-print JSON text when it parses; the raw text otherwise (models send invalid JSON too). */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** Input tokens with the cached part beside them when a provider reported one: "12.3k in (8.1k cached)". */
export function formatInput(usage: { inputTokens: number; cachedInputTokens?: number }, format: (n: number) => string = formatTokens): string {
  return usage.cachedInputTokens ? `${format(usage.inputTokens)} in (${format(usage.cachedInputTokens)} cached)` : `${format(usage.inputTokens)} in`;
}
