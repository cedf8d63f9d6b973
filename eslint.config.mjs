// ESLint: typescript-eslint's recommended rules (syntax only, no type information, so `npm run lint` stays fast),
// the layer rules as import restrictions (see docs/architecture.md, Layers), and eslint-config-prettier so formatting
// is Prettier's alone (`npm run lint` runs both).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/**
 * An import path crosses into a top-level folder when it climbs exactly to the repository root and then enters it:
 * from `workflows/pipeline/run.ts` that is `../../activities/...` (`../activityProxies` stays inside workflows/).
 * No-restricted-imports sees only the import text, so each layer gets one block per folder depth.
 */
const MAX_DEPTH = 6;
const up = (depth) => `^(\\.\\./){${depth}}(?!\\.\\./)`;
const into = (folders) => (depth) => `${up(depth)}(${folders.join('|')})(/|$)`;
const outside = (folders) => (depth) => `${up(depth)}(?!(${folders.join('|')})(/|$))`;

/** Node built-ins and packages that reach the disk, the network or other processes. */
const ioBuiltins = ['fs', 'fs/promises', 'net', 'http', 'https', 'http2', 'child_process', 'worker_threads', 'tls'];
const ioModules = `^(node:)?(${ioBuiltins.join('|')})$`;
const ioLibraries = '^(better-sqlite3|pg|openai|@aws-sdk/.*|@lancedb/.*|@temporalio/(client|worker|activity|testing))$';

/**
 * One `@typescript-eslint/no-restricted-imports` block per layer and depth (flat config replaces a rule's options,
 * never merges them, and `layer/*\/*.ts` never overlaps `layer/*.ts`). A pattern's `regex` may be a function of the
 * file's depth below the repository root.
 */
const layer = (folder, patterns) =>
  Array.from({ length: MAX_DEPTH }, (_, i) => i + 1).map((depth) => ({
    files: [`${folder}/${'*/'.repeat(depth - 1)}*.ts`],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: patterns.map(({ regex, ...rest }) => ({
            caseSensitive: true,
            regex: typeof regex === 'function' ? regex(depth) : regex,
            ...rest,
          })),
        },
      ],
    },
  }));

const layers = [
  ...layer('workflows', [
    {
      regex: into(['activities', 'config']),
      allowTypeImports: true,
      message: 'Workflow code may import activities/ and config/ only as types (`import type`).',
    },
    {
      regex: outside(['core', 'workflows', 'activities', 'config']),
      message: 'Workflow code imports only core/, other workflows/ and types from activities/ or config/.',
    },
    {
      regex: '^(?!\\.|@temporalio/(workflow|common)(/|$))',
      allowTypeImports: true,
      message: 'Workflow code imports only @temporalio/workflow and @temporalio/common (no Node, no I/O packages).',
    },
  ]),
  ...layer('core', [
    {
      regex: into(['activities', 'stores', 'servers', 'providers', 'cli', 'workers', 'workflows', 'index']),
      message: 'core/ is pure logic: it imports no I/O layer (activities, stores, servers, providers, cli, workers).',
    },
    {
      regex: ioModules,
      message: 'core/ is pure logic: no file system, network or child processes (I/O goes in stores/ or activities/).',
    },
    {
      regex: ioLibraries,
      allowTypeImports: true,
      message: 'core/ is pure logic: I/O libraries belong in stores/, activities/ or providers/.',
    },
  ]),
  ...layer('activities', [
    { regex: into(['cli']), message: 'Activities do not import the CLI: move what both need into stores/ or core/.' },
  ]),
  ...layer('config', [
    {
      regex: into(['activities', 'stores', 'servers', 'providers', 'cli', 'workers', 'workflows', 'index']),
      message: 'config/ holds schemas and loaders: it imports core/ only, no I/O layer.',
    },
  ]),
  ...layer('servers', [
    {
      regex: into(['activities', 'providers', 'cli', 'workers', 'workflows', 'index']),
      message: 'Loopback servers build on servers/loopback/, stores/, core/ and config/ only.',
    },
  ]),
  ...layer('providers', [
    {
      regex: into(['activities', 'stores', 'cli', 'workers', 'workflows', 'index']),
      message: 'Providers build on servers/loopback/, core/ and config/ only.',
    },
  ]),
  ...layer('workers', [
    { regex: into(['cli']), message: 'Worker processes sit below the CLI: they do not import cli/.' },
  ]),
  ...layer('stores', [
    {
      regex: into(['activities', 'cli', 'workflows', 'workers']),
      message: 'stores/ sits below activities, the CLI and workflows: it imports none of them.',
    },
  ]),
];

export default defineConfig(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      '.tools/**',
      '.tailor/**',
      'coverage/**',
      'examples/**/data/**',
      'test/fixtures/**',
      'test/replay/histories/**',
      '**/__pycache__/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Turns off the stylistic rules Prettier owns, max-len included: the block after it turns max-len back on.
  prettier,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Dataset normalisation matches control characters on purpose (they are what it removes).
      'no-control-regex': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      // Prettier wraps code at 120, scripts/wrapComments.js comments and scripts/wrapStrings.js one-line strings
      // and templates; this keeps all three so. Exempt: template literals, whose line breaks are content (help
      // text, SQL, CSS) or which hold `${}` too long to cut, and regular expressions, which are not cut up.
      'max-len': [
        'error',
        {
          code: 120,
          ignoreUrls: true,
          ignoreTemplateLiterals: true,
          ignoreRegExpLiterals: true,
        },
      ],
    },
  },
  {
    // The bench registry loads each bench on demand (`typeof import(...)` keeps the lazy `require()` typed).
    files: ['bench/index.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        exports: 'writable',
        __dirname: 'readonly',
        __filename: 'readonly',
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        URL: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  ...layers,
);
