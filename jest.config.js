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
module.exports = {
  testTimeout: 120000,
  maxWorkers: 1,
  projects: [
    { ...common, displayName: 'tests', testMatch: ['<rootDir>/test/**/*.test.ts'], testPathIgnorePatterns: ['/test/faults/'] },
    { ...common, displayName: 'faults', testMatch: ['<rootDir>/test/faults/**/*.test.ts'] },
  ],
};
