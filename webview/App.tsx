import VscodeBadge from '@vscode-elements/react-elements/dist/components/VscodeBadge.js';
import VscodeTabHeader from '@vscode-elements/react-elements/dist/components/VscodeTabHeader.js';
import VscodeTabPanel from '@vscode-elements/react-elements/dist/components/VscodeTabPanel.js';
import VscodeTabs from '@vscode-elements/react-elements/dist/components/VscodeTabs.js';
import type { ReactNode } from 'react';
import { TAB_IDS, type TabId } from './state/uiState';
import { useDashboard } from './state/useDashboard';
import { AgentsView } from './views/AgentsView';
import { EmptyState } from './views/EmptyState';
import { EscalationsView } from './views/EscalationsView';
import { PlanView } from './views/PlanView';
import { RunHeader } from './views/RunHeader';
import { RunList, useRunCount } from './views/RunList';
import { SpecView } from './views/SpecView';
import { SpendView } from './views/SpendView';
import { Timeline } from './views/Timeline';
import { TracesView } from './views/TracesView';

const TITLES: Record<TabId, string> = { spec: 'Spec', plan: 'Plan', agents: 'Agents', traces: 'Traces', spend: 'Spend', escalations: 'Escalations' };

/** The dashboard: the run header and one tab per view. Only the selected tab's view is rendered. */
export function App() {
  const runId = useDashboard((s) => s.run.runId);
  const tab = useDashboard((s) => s.ui.tab);
  const selectTab = useDashboard((s) => s.selectTab);
  const stale = useDashboard((s) => s.needsSnapshot);
  const openEscalations = useDashboard((s) => s.run.escalations.filter((e) => e.resolution === null).length);
  const running = useDashboard((s) => s.run.agents.filter((a) => a.status === 'running').length);
  const pastRuns = useRunCount();
  const index = TAB_IDS.indexOf(tab);
  if (!runId) {
    return (
      <main className="loom-app">
        <EmptyState icon="layers" title={pastRuns ? 'No run open' : 'No Loom run yet'}>
          {pastRuns ? 'Open or resume one of the runs below, or start one' : 'Start one'} with <strong>Loom: Start Agent Plan</strong>; its plan, agents, traces and spend appear here as it goes.
        </EmptyState>
        <RunList open />
      </main>
    );
  }
  return (
    <main className="loom-app">
      <RunHeader />
      <RunList />
      <Timeline />
      {stale && (
        <div className="notice notice-info stale-banner" role="status">
          <i className="codicon codicon-sync codicon-modifier-spin" aria-hidden="true" /> Catching up with the journal…
        </div>
      )}
      <VscodeTabs className="tabs" selectedIndex={index} onVscTabsSelect={(e) => selectTab(TAB_IDS[e.detail.selectedIndex] ?? 'agents')}>
        {TAB_IDS.map((id) => (
          <VscodeTabHeader key={id} slot="header" data-tab={id}>
            {TITLES[id]}
            {id === 'escalations' && openEscalations > 0 && (
              <VscodeBadge variant="counter" slot="content-after">
                {openEscalations}
              </VscodeBadge>
            )}
            {id === 'agents' && running > 0 && (
              <VscodeBadge variant="counter" slot="content-after">
                {running}
              </VscodeBadge>
            )}
          </VscodeTabHeader>
        ))}
        {TAB_IDS.map((id) => (
          <VscodeTabPanel key={id} className={`tab-panel tab-${id}`}>
            {id === tab ? <View id={id} /> : null}
          </VscodeTabPanel>
        ))}
      </VscodeTabs>
    </main>
  );
}

function View({ id }: { id: TabId }): ReactNode {
  switch (id) {
    case 'spec':
      return <SpecView />;
    case 'plan':
      return <PlanView />;
    case 'agents':
      return <AgentsView />;
    case 'traces':
      return <TracesView />;
    case 'spend':
      return <SpendView />;
    case 'escalations':
      return <EscalationsView />;
  }
}
