/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Generous: a passing test takes what it takes; a slow CI machine must not fail a correct walk.
  testTimeout: 150000,
  // Three workers on two cores: the suites wait on browsers, sockets and timers part of the time, and two
  // left about a third of the CPU idle (139 % of 200 % in a full run).
  maxWorkers: 3,
  testSequencer: '<rootDir>/tests/support/sequencer.cjs',
};
