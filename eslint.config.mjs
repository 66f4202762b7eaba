import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'

const nodeBuiltins = [
  'fs',
  'path',
  'os',
  'child_process',
  'crypto',
  'net',
  'http',
  'https',
  'worker_threads',
  'util',
  'stream',
  'url',
  'zlib',
  'dns',
  'tls',
  'events',
  'buffer',
  'process',
  'module',
  'vm',
  'readline',
]

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'release/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty-pattern': 'off',
    },
  },
  {
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Core is plain Node: tests, the CLI and benchmarks run it without Electron.
    files: ['electron/core/**', 'shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message:
                'electron/core and shared/ must not import Electron: put Electron wiring in electron/main.',
            },
          ],
        },
      ],
    },
  },
  {
    // The renderer is a web page: no Node built-ins, no Electron, only window.keybridge via api.ts.
    files: ['renderer/src/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'react-hooks/set-state-in-effect': 'off',
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'The renderer talks to the main process through renderer/src/api.ts only.',
            },
          ],
          patterns: [
            {
              group: ['node:*', ...nodeBuiltins],
              message: 'The renderer runs in a sandboxed web page: no Node built-ins.',
            },
            {
              group: ['**/electron/**'],
              message: 'The renderer may only import shared/ contracts, not main-process code.',
            },
          ],
        },
      ],
    },
  },
)
