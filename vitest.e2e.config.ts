import path from 'node:path'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { alias: { '~': path.resolve('app') } },
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    globalSetup: ['tests/setup/e2e-global-setup.ts'],
    setupFiles: ['tests/setup/setup-e2e-env.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
})
