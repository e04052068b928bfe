import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import { startEmbeddedDatabase } from '~/utils/ferretdb.server'

declare module 'vitest' {
  export interface ProvidedContext {
    databaseServerUrl: string
  }
}

/** One embedded database server per test run, in a fresh folder; each worker gets its own database. */
export default async function setup(project: TestProject) {
  if (process.env.MONGODB_URI) {
    project.provide('databaseServerUrl', process.env.MONGODB_URI.replace(/\/[^/?]*(\?.*)?$/, ''))
    return
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-test-db-'))
  const database = await startEmbeddedDatabase({ dir })
  project.provide('databaseServerUrl', database.uri('').replace(/\/$/, ''))
  return async () => {
    await database.stop()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
