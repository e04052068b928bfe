import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { runServer } from '../server/index'
import { seedDemoData } from './seed-data'

const dataDir = path.resolve('data')
fs.mkdirSync(dataDir, { recursive: true })

// The demo keeps its own session secret so that sessions survive restarts; production sets SESSION_SECRET.
const secretFile = path.join(dataDir, 'session-secret')
if (!fs.existsSync(secretFile)) fs.writeFileSync(secretFile, crypto.randomBytes(32).toString('hex'), { mode: 0o600 })
process.env.NODE_ENV ??= 'production'
process.env.SESSION_SECRET ??= fs.readFileSync(secretFile, 'utf8').trim()
process.env.LOG_FILE ??= path.join(dataDir, 'logs', 'portal.log')

let seedReport = ''
await runServer({
  dataDir,
  beforeListen: async () => {
    const result = await seedDemoData()
    seedReport = result.seeded
      ? `seeded ${result.organisations} organisations (3 national centres, 12 partners)`
      : `kept the existing data (${result.organisations} organisations)`
  },
  afterListen: ({ url, database, embedded }) => {
    console.info(
      [
        '',
        '  Payment Channel Partnership portal: demo',
        '',
        `  Open        ${url}`,
        `  Database    ${embedded ? `embedded FerretDB, files in ${path.relative(process.cwd(), path.join(dataDir, 'db'))}/ (delete data/ to start afresh)` : database}`,
        `  Data        ${seedReport}`,
        `  Request log ${path.relative(process.cwd(), process.env.LOG_FILE ?? '')}`,
        '  Stop        Ctrl-C (stops the database too)',
        '',
      ].join('\n'),
    )
  },
})
