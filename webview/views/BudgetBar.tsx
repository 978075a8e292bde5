import VscodeProgressBar from '@vscode-elements/react-elements/dist/components/VscodeProgressBar.js';
import { formatTokens, percent } from '../format';

/** Tokens used against a budget: a progress bar that turns to warning at 80 % and error at 100 %. */
export function BudgetBar({ used, budget }: { used: number; budget: number }) {
  const pct = percent(used, budget);
  const tone = pct >= 100 ? 'error' : pct >= 80 ? 'warn' : 'ok';
  return (
    <div className={`budget budget-${tone}`} title={`${used.toLocaleString('en-US')} of ${budget.toLocaleString('en-US')} tokens (${pct}%)`}>
      <VscodeProgressBar className="budget-bar" value={Math.min(used, budget)} max={Math.max(1, budget)} aria-label={`budget ${pct}% used`} />
      <span className="budget-text">
        {formatTokens(used)} / {formatTokens(budget)} <span className="muted">({pct}%)</span>
      </span>
    </div>
  );
}
