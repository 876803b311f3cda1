import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests beside the code, and e2e tests (real Chromium, workerd,
// PostgreSQL, HTTP between services) in e2e/, run one file at a time on 2 cores.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{protocol,vision,pad,web-component,edge-verifier,matcher,models,scripts,demo}/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 300_000,
          fileParallelism: false,
          // every answer of the verifier and the matcher is checked against its OpenAPI description
          env: { LK_CHECK_RESPONSES: '1' },
        },
      },
    ],
  },
});
