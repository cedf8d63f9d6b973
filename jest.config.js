// One real Temporal dev server per jest run (test/support/globalSetup.ts), shared by every test file;
// tests that need no server simply ignore it. @swc/jest strips types (run `npm run typecheck` for them).
/** @type {import('jest').Config} */
const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  modulePathIgnorePatterns: ['<rootDir>/.tailor', '<rootDir>/.tools', '<rootDir>/node_modules'],
  globalSetup: '<rootDir>/test/support/globalSetup.ts',
  globalTeardown: '<rootDir>/test/support/globalTeardown.ts',
};
// Suites that run only when the command line names them (`npm run test:faults`, `npm run test:stores`, or a path
// under their folder), so plain `npm test` stays fast and needs no extra setup:
// - faults takes minutes; its reporter prints the scoreboard (test/faults/scoreboard.ts);
// - stores needs moto and PostgreSQL's server binaries, installed by `npm run setup:stores`;
// - multiHost needs those and the trainer's venv too (`npm run test:trainer` runs it).
const named = (dir) => process.argv.some((a) => new RegExp(`(^|[=/\\\\])${dir}([/\\\\]|$)`).test(a));
const faults = named('faults');
const stores = named('stores');
const multiHost = named('multiHost');
module.exports = {
  testTimeout: 120000,
  maxWorkers: 1,
  ...(faults ? { reporters: ['default', '<rootDir>/test/faults/scoreboardReporter.js'] } : {}),
  projects: [
    {
      ...common,
      displayName: 'tests',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/test/faults/', '/test/stores/', '/test/multiHost/'],
    },
    ...(faults
      ? [
          {
            ...common,
            displayName: 'faults',
            testMatch: ['<rootDir>/test/faults/**/*.test.ts'],
            globalSetup: '<rootDir>/test/faults/globalSetup.ts',
          },
        ]
      : []),
    ...(stores ? [{ ...common, displayName: 'stores', testMatch: ['<rootDir>/test/stores/**/*.test.ts'] }] : []),
    ...(multiHost
      ? [{ ...common, displayName: 'multiHost', testMatch: ['<rootDir>/test/multiHost/**/*.test.ts'] }]
      : []),
  ],
};
