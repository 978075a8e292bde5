/** One finished verification step, as reported to onCheck and listed in the verdict. */
export interface CheckReport {
  /** e.g. `testEdits`, `failToPass: node --test test/a.test.js`, `lint: …`, `scope`, `claims`, `judgment` */
  check: string;
  passed: boolean;
  detail: string;
}
