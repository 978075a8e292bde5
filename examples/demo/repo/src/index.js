const { sum } = require('./sum');

module.exports = {
  sum,
};
