import fs from 'node:fs'
import path from 'node:path'
import { totpCodeAt } from '~/auth/totp.server'
import type { DemoAccount } from './seed-data'

// Prints the current TOTP code of a seeded demo account: `npm run demo:code -- staff@nl-centre.example`.
const file = path.resolve(process.env.DATA_DIR ?? 'data', 'demo-accounts.json')
if (!fs.existsSync(file)) {
  console.error('No demo accounts yet: run `npm run demo` first.')
  process.exit(1)
}
const accounts = JSON.parse(fs.readFileSync(file, 'utf8')) as DemoAccount[]
const wanted = process.argv[2]?.toLowerCase()
const chosen = wanted ? accounts.filter((a) => a.email === wanted) : accounts
if (chosen.length === 0) {
  console.error(`No demo account ${wanted}. Known: ${accounts.map((a) => a.email).join(', ')}`)
  process.exit(1)
}
const secondsLeft = 30 - (Math.floor(Date.now() / 1000) % 30)
for (const account of chosen) console.info(`${await totpCodeAt(account.totpSecret)}  ${account.email}`)
console.info(`(valid for ${secondsLeft} more seconds)`)
