import type { ReactNode } from 'react';

/** A link that does something in the dashboard (select a task, open a tab) instead of navigating. */
export function ActionLink({ onClick, className, children }: { onClick: () => void; className?: string; children: ReactNode }) {
  return (
    <a
      href="#"
      className={className}
      onClick={(e) => {
        e.preventDefault();
        onClick();
      }}
    >
      {children}
    </a>
  );
}
