import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'dist-addon/**',
      'node_modules/**',
      '.workbench/**',
      'coverage/**',
      'artifacts/**',
      'bench-results/**',
      'tests/fixtures/bad-bundle/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', 'scripts/**', 'local/**'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        __dirname: 'readonly',
        module: 'writable',
        require: 'readonly',
      },
    },
  },
  {
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      // Not in Apps Script's V8 runtime: the bundle would throw a ReferenceError on Google.
      'no-restricted-globals': [
        'error',
        'process',
        'require',
        'setTimeout',
        'setInterval',
        'fetch',
        'Buffer',
        'URL',
        'URLSearchParams',
        'TextEncoder',
        'TextDecoder',
        'structuredClone',
        'queueMicrotask',
        'atob',
        'btoa',
      ],
    },
  },
  {
    // Only src/platform touches Apps Script's services; everything else goes through it.
    files: ['src/**/*.ts'],
    ignores: ['src/platform/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'Identifier[name=/^(SpreadsheetApp|UrlFetchApp|PropertiesService|CacheService|LockService|ScriptApp|HtmlService|MailApp|Session|Utilities|Logger|DriveApp)$/]',
          message: 'Only src/platform may touch Apps Script services.',
        },
      ],
    },
  },
);
