import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { MongoClient } from 'mongodb'
import mongoose from 'mongoose'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { recordAudit } from '~/audit/audit.server'
import { startEmbeddedDatabase, type EmbeddedDatabase } from '~/utils/ferretdb.server'
import { runScript } from '../support/scripts'

function auditCollection() {
  const db = mongoose.connection.db
  if (!db) throw new Error('not connected')
  return db.collection('auditevents')
}

/** Runs `npm run audit:verify`'s script as a separate process and returns its exit code and output. */
const verifyScript = (env: Record<string, string | undefined>) => runScript('scripts/audit-verify.ts', env, 90_000)

/** Processes whose command line mentions a path (Linux /proc), to see that nothing is left running. */
function processesUsing(dir: string) {
  if (!fs.existsSync('/proc')) return []
  return fs.readdirSync('/proc').filter((pid) => {
    if (!/^\d+$/.test(pid)) return false
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir)
    } catch {
      return false
    }
  })
}

const databaseUri = () => `${inject('databaseServerUrl')}/test_${process.env.VITEST_POOL_ID ?? '0'}`

beforeAll(async () => {
  await auditCollection().deleteMany({})
  for (let i = 1; i <= 12; i++) {
    await recordAudit({ action: 'auth.sign_in', actor: { label: `script${i}@example.org` }, details: { attempt: i } })
  }
})

describe('npm run audit:verify', () => {
  test('reports an intact chain and exits 0', async () => {
    const result = await verifyScript({ MONGODB_URI: databaseUri() })
    expect(result.output).toContain('Audit chain intact: 12 events')
    expect(result.code).toBe(0)
  }, 120_000)

  test('reports the first tampered event by number and id, and exits 1', async () => {
    const victim = await auditCollection().findOne({ seq: 7 })
    await auditCollection().updateOne({ seq: 7 }, { $set: { 'details.attempt': 70 } })
    const result = await verifyScript({ MONGODB_URI: databaseUri() })
    expect(result.output).toContain(`Audit chain broken at event #7 (${String(victim?._id)}): hash`)
    expect(result.code).toBe(1)
  }, 120_000)

  test('exits 2 with a clear message when there is no database to read', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-audit-none-'))
    try {
      const result = await verifyScript({ MONGODB_URI: undefined, DATA_DIR: empty })
      expect(result.output).toContain('No database found')
      expect(result.code).toBe(2)
      expect(fs.readdirSync(empty)).toEqual([])
    } finally {
      fs.rmSync(empty, { recursive: true, force: true })
    }
  }, 120_000)
})

describe('npm run audit:verify on the embedded database of the demo', () => {
  let dataDir: string
  let demo: EmbeddedDatabase | undefined

  beforeAll(async () => {
    // A demo data folder holding a copy of a fresh chain.
    await auditCollection().deleteMany({})
    for (let i = 1; i <= 5; i++) await recordAudit({ action: 'auth.sign_out', actor: { label: `demo${i}@example.org` } })
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-audit-demo-'))
    demo = await startEmbeddedDatabase({ dir: path.join(dataDir, 'db'), log: () => {} })
    const client = new MongoClient(demo.uri('portal'))
    try {
      await client.db().collection('auditevents').insertMany(await auditCollection().find({}).toArray())
    } finally {
      await client.close()
    }
  }, 120_000)

  afterAll(async () => {
    await demo?.stop()
    fs.rmSync(dataDir, { recursive: true, force: true })
  })

  test('works while the demo is running (a second reader of the same files)', async () => {
    expect(processesUsing(dataDir)).toHaveLength(1)
    const result = await verifyScript({ MONGODB_URI: undefined, DATA_DIR: dataDir })
    expect(result.output).toContain('Audit chain intact: 5 events')
    expect(result.code).toBe(0)
    expect(processesUsing(dataDir)).toHaveLength(1)
  }, 120_000)

  test('works when the demo is stopped, and stops the database it started', async () => {
    await demo?.stop()
    demo = undefined
    expect(processesUsing(dataDir)).toEqual([])
    const result = await verifyScript({ MONGODB_URI: undefined, DATA_DIR: dataDir })
    expect(result.output).toContain('Audit chain intact: 5 events')
    expect(result.code).toBe(0)
    expect(processesUsing(dataDir)).toEqual([])
  }, 120_000)
})
