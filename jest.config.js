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
// The fault-injection suite takes minutes: it runs only when the command line names it (`npm run test:faults`, or a
// path under test/faults), so plain `npm test` stays fast; its reporter prints the scoreboard (test/faults/scoreboard.ts).
const faults = process.argv.some((a) => /(^|[=/\\])faults([/\\]|$)/.test(a));
module.exports = {
  testTimeout: 120000,
  maxWorkers: 1,
  ...(faults ? { reporters: ['default', '<rootDir>/test/faults/scoreboardReporter.js'] } : {}),
  projects: [
    { ...common, displayName: 'tests', testMatch: ['<rootDir>/test/**/*.test.ts'], testPathIgnorePatterns: ['/test/faults/'] },
    ...(faults ? [{ ...common, displayName: 'faults', testMatch: ['<rootDir>/test/faults/**/*.test.ts'], globalSetup: '<rootDir>/test/faults/globalSetup.ts' }] : []),
  ],
};
