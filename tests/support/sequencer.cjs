// Runs the longest test files first, so that none of them starts last and keeps one worker busy
// while the others wait. Jest orders by the durations it cached from earlier runs; a fresh clone (CI)
// has none and would order by file size, which puts the five-line fault-schedule files (the longest
// runs) at the very end. durations.json holds seconds per file from a full idle run (files under 5 s
// are not listed and keep Jest's own order after them); refresh it when suites change a lot.
const Sequencer = require('@jest/test-sequencer').default;
const path = require('node:path');
const durations = require('./durations.json');

const root = path.resolve(__dirname, '..', '..');
const known = (test) => durations[path.relative(root, test.path).split(path.sep).join('/')] ?? 0;

class LongestFirst extends Sequencer {
  sort(tests) {
    const ordered = super.sort(tests);
    const rank = new Map(ordered.map((t, i) => [t.path, i]));
    return [...ordered].sort((a, b) => known(b) - known(a) || rank.get(a.path) - rank.get(b.path));
  }
}

module.exports = LongestFirst;
