import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import { startSmtpSink } from '~/mail/smtp-sink.server'
import { startEmbeddedDatabase } from '~/utils/ferretdb.server'
import { CHROMIUM_MISSING_MESSAGE, CHROMIUM_PATH } from '../support/browser'
import { startPortal } from '../support/portal-process'

declare module 'vitest' {
  export interface ProvidedContext {
    portalUrl: string
    e2eDatabaseUrl: string
    mailboxDir: string
  }
}

/** A fresh embedded database and the built portal on a free port, for the whole browser run. */
export default async function setup(project: TestProject) {
  if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(CHROMIUM_MISSING_MESSAGE)
  if (!fs.existsSync(path.resolve('build/index.js'))) throw new Error('No build found: run `npm run build` first')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-e2e-db-'))
  const database = await startEmbeddedDatabase({ dir })
  const databaseUrl = database.uri('e2e')
  const mailbox = await startSmtpSink({ dir: path.join(dir, 'mailbox') })
  const portal = await startPortal({ databaseUrl, env: { SMTP_URL: mailbox.url } })
  project.provide('portalUrl', portal.url)
  project.provide('e2eDatabaseUrl', databaseUrl)
  project.provide('mailboxDir', mailbox.dir)
  return async () => {
    await portal.stop()
    await mailbox.stop()
    await database.stop()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
