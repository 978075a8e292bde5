const test = require('node:test');
const assert = require('node:assert/strict');
const { sum } = require('../src/sum');

test('sum adds the numbers', () => {
  assert.equal(sum([1, 2, 3]), 6);
});

test('sum of an empty list is 0', () => {
  assert.equal(sum([]), 0);
});
