import { scratchDatabase, type ScratchDatabase } from './lib/database'
import { checkWrites, startMix, summarise, writeKinds } from './lib/mix'
import { newSessionSecret, requireBuild, startPortalProcess, type PortalProcess } from './lib/portal'
import { failureExcerpt, kindTable, writeTable } from './lib/report'
import { envNumber, machine, sleep } from './lib/stats'
import { seedWorld } from './lib/world'

/**
 * `npm run load`: the production build under a mixed load, on loopback, on a fresh embedded database.
 *
 * Seeds organisations, people (signed straight in), initiatives, tasks and indicators through the
 * domain functions, starts the built portal as its own process, then for LOAD_SECONDS (60) runs reads
 * (task queue, task page, initiative page, indicator search) closed-loop on LOAD_READ_CONNECTIONS (2)
 * connections each, and writes (acknowledge, report, comment, sighting) at LOAD_WRITE_RATE (3) per
 * second each, as form POSTs with CSRF tokens and a unique marker. Prints throughput and p50/p95/p99
 * per kind, then looks every acknowledged write up by its marker.
 *
 * Exit code 1 on any 5xx, any read that did not answer 200, any write answered other than with a
 * redirect (its success) or any acknowledged write missing from the database; 0 otherwise.
 */

const seconds = envNumber('LOAD_SECONDS', 60)
const readConnections = envNumber('LOAD_READ_CONNECTIONS', 2, { integer: true })
const writeRate = envNumber('LOAD_WRITE_RATE', 3, { integer: true })

async function main(): Promise<number> {
  requireBuild()
  const secret = newSessionSecret()
  // This process signs the cookies the portal will read: same secret, set before anything reads the environment.
  process.env.SESSION_SECRET = secret
  process.env.LOG_LEVEL = 'warn'
  const run = Date.now().toString(36).slice(-5)
  let db: ScratchDatabase | undefined
  let portal: PortalProcess | undefined
  try {
    const host = machine()
    console.info(`Load test: ${seconds} s, ${readConnections} connection(s) per read kind, ${writeRate} writes/s per write kind`)
    console.info(`  machine: ${host.cores} cores (${host.cpu}), ${host.memoryGiB} GiB, Node ${host.node}; ${host.database}`)
    db = await scratchDatabase('portal-load')
    console.info('Seeding through the domain functions…')
    const pool = Math.ceil(writeRate * seconds * 1.25) + 20
    const world = await seedWorld({ run, ackPoolSize: pool, reportPoolSize: pool })

    portal = await startPortalProcess({ databaseUrl: db.uri, sessionSecret: secret })
    console.info(`Portal (production build) on ${portal.url}, started in ${(portal.startupMs / 1000).toFixed(1)} s`)
    const probe = world.workers.get(world.partners[0]?.id ?? '')?.[0]
    const check = probe ? await fetch(`${portal.url}/tasks`, { headers: { cookie: probe.cookie }, redirect: 'manual' }) : null
    if (check?.status !== 200) throw new Error(`a seeded session does not reach /tasks (status ${check?.status ?? 'none'}): cookies or secret do not match`)

    console.info(`Running the mix for ${seconds} s…`)
    const mix = startMix({ url: portal.url, world, run, seconds, readConnections, writeRate }, { ack: [...world.ackPool], report: [...world.reportPool] })
    const { seconds: elapsed } = await mix.done
    await sleep(500)

    const summary = summarise(mix.answers, elapsed)
    console.info('')
    console.info(`Throughput and latency (${elapsed.toFixed(1)} s):`)
    console.info(kindTable(summary))
    const checks = await checkWrites(mix.writes)
    console.info('')
    console.info('Writes the portal acknowledged (2xx/3xx), looked up by marker:')
    console.info(writeTable(checks))

    const problems: string[] = []
    const serverErrors = mix.answers.filter((answer) => answer.status >= 500).length
    if (serverErrors > 0) problems.push(`${serverErrors} answers with a 5xx status`)
    for (const row of summary) {
      const write = (writeKinds as readonly string[]).includes(row.kind)
      const unexpected = Object.entries(row.statuses).filter(([status]) => (write ? status !== '302' : status !== '200'))
      if (unexpected.length > 0) problems.push(`${row.kind}: unexpected statuses ${unexpected.map(([s, n]) => `${s}×${n}`).join(', ')}`)
      if (row.requests === 0) problems.push(`${row.kind}: no answer at all`)
    }
    for (const check of checks) if (check.missing.length > 0) problems.push(`${check.kind}: ${check.missing.length} acknowledged writes missing (${check.missing.slice(0, 3).join(', ')})`)
    const noAnswer = mix.answers.filter((answer) => answer.status === 0).length
    if (noAnswer > 0) console.warn(`  note: ${noAnswer} requests got no answer (connection error or timeout)`)
    if (!portal.alive()) problems.push('the portal process died during the run')

    console.info('')
    if (problems.length > 0) {
      console.error(`FAILED:\n  - ${problems.join('\n  - ')}`)
      console.error(`  portal log (last failures):\n${failureExcerpt(portal.output())}`)
      return 1
    }
    console.info('PASSED: no 5xx, every read answered 200, every acknowledged write is in the database.')
    return 0
  } catch (error) {
    console.error(`The load test could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
    if (portal) console.error(`  portal log:\n${failureExcerpt(portal.output())}`)
    return 1
  } finally {
    await portal?.stop().catch(() => {})
    await db?.dispose()
  }
}

process.exit(await main())
