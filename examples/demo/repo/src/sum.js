// Adds the numbers in a list.
function sum(xs) {
  let total;
  for (const x of xs) total = (total ?? 0) + x;
  return total;
}

module.exports = { sum };
