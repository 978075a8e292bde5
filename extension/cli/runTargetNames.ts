import type { TargetNames } from '../engine/run/runTarget';

/** A run's spec and repository as the person gave them on the command line. */
export const FLAG_NAMES: TargetNames = { spec: '--spec', repo: '--repo' };
/** As a resumed, replayed or forked run's journal recorded them (the person gave no flag for them). */
export const RECORDED_NAMES: TargetNames = { spec: "the run's recorded spec", repo: "the run's recorded repository" };
