import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { startSmtpSink } from '~/mail/smtp-sink.server'
import { runServer } from '../server/index'
import { DEMO_PASSWORD, seedDemoData, type DemoAccount } from './seed-data'

const dataDir = path.resolve('data')
fs.mkdirSync(dataDir, { recursive: true })

// The demo keeps its own session secret so that sessions survive restarts; production sets SESSION_SECRET.
const secretFile = path.join(dataDir, 'session-secret')
if (!fs.existsSync(secretFile)) fs.writeFileSync(secretFile, crypto.randomBytes(32).toString('hex'), { mode: 0o600 })
process.env.NODE_ENV ??= 'production'
process.env.SESSION_SECRET ??= fs.readFileSync(secretFile, 'utf8').trim()
process.env.LOG_FILE ??= path.join(dataDir, 'logs', 'portal.log')

// A real SMTP server on loopback receives every e-mail the portal sends; /demo/mailbox shows them.
const mailbox = await startSmtpSink({ dir: path.join(dataDir, 'mailbox') })
process.env.SMTP_URL ??= mailbox.url
process.env.DEMO_MAILBOX_DIR ??= mailbox.dir

const accountsFile = path.join(dataDir, 'demo-accounts.json')
let seedReport = ''
await runServer({
  dataDir,
  beforeListen: async () => {
    const result = await seedDemoData()
    if (result.seeded) fs.writeFileSync(accountsFile, JSON.stringify(result.accounts, null, 2), { mode: 0o600 })
    seedReport = result.seeded
      ? `seeded ${result.organisations} organisations and ${result.accounts.length} people`
      : `kept the existing data (${result.organisations} organisations)`
  },
  afterListen: ({ url, database, embedded }) => {
    const accounts: DemoAccount[] = fs.existsSync(accountsFile) ? JSON.parse(fs.readFileSync(accountsFile, 'utf8')) : []
    const width = Math.max(...accounts.map((a) => a.email.length), 10)
    console.info(
      [
        '',
        '  Payment Channel Partnership portal: demo',
        '',
        `  Open        ${url}`,
        `  Database    ${embedded ? `embedded FerretDB, files in data/db/ (delete data/ to start afresh)` : database}`,
        `  Data        ${seedReport}`,
        `  Mailbox     ${url}/demo/mailbox (every e-mail the portal sends)`,
        `  Request log ${path.relative(process.cwd(), process.env.LOG_FILE ?? '')}`,
        '  Stop        Ctrl-C (stops the database too)',
        '',
        `  Sign in as any of these people with the password "${DEMO_PASSWORD}", then the code from`,
        '  `npm run demo:code -- <e-mail>` (or add the TOTP secret below to an authenticator app):',
        '',
        ...accounts.map((a) => `    ${a.email.padEnd(width)}  ${a.roles.join(',').padEnd(14)}  ${a.totpSecret}  ${a.organisation}`),
        '',
      ].join('\n'),
    )
  },
})
