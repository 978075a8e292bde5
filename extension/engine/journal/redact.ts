/** Secrets never reach the journal: any occurrence of a known secret value is replaced. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    // Short values (like a simulator's dummy key) would redact ordinary words; real keys are long.
    if (secret.length < 8) continue;
    out = out.split(secret).join('[redacted]');
  }
  return out;
}
