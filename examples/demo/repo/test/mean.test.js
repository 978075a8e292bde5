const test = require('node:test');
const assert = require('node:assert/strict');
const { mean } = require('../src/mean');

test('mean averages the numbers', () => {
  assert.equal(mean([2, 4, 6]), 4);
});

test('mean of an empty list throws a RangeError', () => {
  assert.throws(() => mean([]), RangeError);
});
