import type { Drill, DrillContext, DrillVerdict } from './drill';
import { errorPropagation } from './errorPropagation';
import { nonDeterminism } from './nonDeterminism';
import { stateCorruption } from './stateCorruption';
import { infiniteLoops } from './infiniteLoops';
import { costExplosion } from './costExplosion';
import { contextExhaustion } from './contextExhaustion';
import { retryComplexity } from './retryComplexity';
import { hitlBypass } from './hitlBypass';
import { observabilityCollapse } from './observabilityCollapse';
import { topologyCollapse } from './topologyCollapse';
import { collusiveValidation } from './collusiveValidation';
import { rewardHacking } from './rewardHacking';

/** A drill with its evidence type hidden: what the runner needs. */
export interface RegisteredDrill {
  mode: number;
  name: string;
  expected: string;
  perform(ctx: DrillContext): Promise<DrillVerdict>;
}

function registered<E>(drill: Drill<E>): RegisteredDrill {
  return { mode: drill.mode, name: drill.name, expected: drill.expected, perform: async (ctx) => drill.judge(await drill.exercise(ctx)) };
}

/** DESIGN.md's twelve failure modes, in its order: drill N is failure mode N. */
export const DRILLS: readonly RegisteredDrill[] = [
  registered(errorPropagation),
  registered(nonDeterminism),
  registered(stateCorruption),
  registered(infiniteLoops),
  registered(costExplosion),
  registered(contextExhaustion),
  registered(retryComplexity),
  registered(hitlBypass),
  registered(observabilityCollapse),
  registered(topologyCollapse),
  registered(collusiveValidation),
  registered(rewardHacking),
];
