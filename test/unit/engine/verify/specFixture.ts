import type { Task } from '../../../../extension/protocol/plan';
import type { Spec } from '../../../../extension/protocol/spec';

/** A two-requirement spec and one task for R1, shared by the judgment and verifyTask tests. */
export const SPEC: Spec = {
  title: 'Math library',
  overview: 'A tiny arithmetic module.',
  revision: 'rev1',
  requirements: [
    { id: 'R1', title: 'Addition', text: 'add(a, b) returns the sum of a and b.', acceptance: ['add(2, 3) is 5'], line: 3 },
    { id: 'R2', title: 'Unrelated', text: 'UNRELATED-REQUIREMENT-TEXT', acceptance: [], line: 9 },
  ],
};

export const TASK: Task = {
  id: 'fix-add',
  title: 'Fix add',
  instructions: 'Make add return the sum.',
  requirementIds: ['R1'],
  fileScope: ['src/**'],
  dependsOn: [],
  acceptance: [],
};
