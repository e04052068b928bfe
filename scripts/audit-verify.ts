import fs from 'node:fs'
import path from 'node:path'
import { verifyAuditChain, type ChainReport } from '../app/audit/audit.server'
import { connectDatabase, disconnectDatabase } from '../app/utils/db.server'
import { DatabaseUnavailableError, startEmbeddedDatabase, type EmbeddedDatabase } from '../app/utils/ferretdb.server'

/**
 * `npm run audit:verify`: re-hashes the whole audit chain and says where it breaks, if it does.
 * Exit code 0 when intact, 1 when broken, 2 when the check could not run. Uses MONGODB_URI when set;
 * otherwise opens the demo's embedded database files (a second reader is fine while the demo runs).
 */

const explanations: Record<'hash' | 'link' | 'gap', string> = {
  hash: 'the event was changed after it was recorded (its hash no longer matches its content)',
  link: 'the event does not point to the one before it (an event was replaced or reordered)',
  gap: 'events are missing just before it (deleted)',
}

function describeReport(report: ChainReport) {
  if (report.ok) return `Audit chain intact: ${report.checked} events`
  const { seq, id, reason } = report.brokenAt
  return [
    `Audit chain broken at event #${seq} (${id}): ${reason}`,
    `  ${explanations[reason]}; ${report.checked} events before it are intact.`,
  ].join('\n')
}

async function main(): Promise<number> {
  let embedded: EmbeddedDatabase | undefined
  try {
    let uri = process.env.MONGODB_URI
    if (!uri) {
      const dir = path.resolve(process.env.DATA_DIR ?? 'data', 'db')
      if (!fs.existsSync(path.join(dir, 'sqlite'))) {
        console.error(`No database found in ${dir}: run the demo once (npm run demo) or set MONGODB_URI.`)
        return 2
      }
      embedded = await startEmbeddedDatabase({ dir, log: (line) => console.warn(line) })
      uri = embedded.uri('portal')
    }
    await connectDatabase(uri)
    const report = await verifyAuditChain()
    console.info(describeReport(report))
    return report.ok ? 0 : 1
  } catch (error) {
    console.error(
      error instanceof DatabaseUnavailableError
        ? error.message
        : `The audit chain could not be checked: ${error instanceof Error ? error.message : String(error)}`,
    )
    return 2
  } finally {
    await disconnectDatabase().catch(() => {})
    await embedded?.stop()
  }
}

process.exit(await main())
