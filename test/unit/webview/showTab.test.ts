import assert from 'node:assert/strict';
import { hostMessages, parseHostMessage } from '../../../extension/protocol/webviewMessages';
import { createDashboardStore } from '../../../webview/state/store';
import { TAB_IDS } from '../../../webview/state/uiState';

/** A click on an escalation in the sidebar asks the dashboard for its Escalations tab. */
describe('webview: dashboard/showTab', () => {
  it('the host can open any tab the dashboard has, and no other', () => {
    const store = createDashboardStore();
    assert.equal(store.getState().ui.tab, 'agents');
    store.getState().applyHostMessage(hostMessages.showTab('escalations'));
    assert.equal(store.getState().ui.tab, 'escalations');
    for (const tab of TAB_IDS) assert.ok(parseHostMessage(hostMessages.showTab(tab)).ok, tab);
    assert.equal(parseHostMessage({ type: 'dashboard/showTab', tab: 'settings' }).ok, false);
  });
});
