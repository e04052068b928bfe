import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ObjectId } from 'mongodb'
import { REMINDER_SLOT_MS } from '../app/jobs/reminders.server'
import { readMailbox, startSmtpSink } from '../app/mail/smtp-sink.server'
import { collection, scratchDatabase, type ScratchDatabase } from './lib/database'
import { checkWrites, startMix, summarise, type Answer, type RunningMix, type Write, type WriteCheck } from './lib/mix'
import { newSessionSecret, requireBuild, startPortalProcess, type PortalProcess } from './lib/portal'
import { startProbes, type ProbeAnswer } from './lib/probes'
import { failureExcerpt, kindTable, writeTable } from './lib/report'
import { envNumber, machine, sleep, thousands } from './lib/stats'
import { seedDueSoonTasks, seedWorld, type World } from './lib/world'

/**
 * `npm run faults`: the production build under load while things break, on a fresh embedded database.
 *
 * 1. The app is killed (SIGKILL) in the middle of the load, while its reminder job is sending the
 *    "due soon" reminders of FAULTS_DUE_SOON (120) tasks; it is restarted on the same port. The job
 *    takes a lease per 5-minute slot, so the killed run's slot is lost and the next slot finishes the
 *    work: the script waits for it (up to FAULTS_RESUME_TIMEOUT, 600 s) and then counts, per dedupe
 *    key, the notifications, the outbox messages and the mails the SMTP sink received: each exactly
 *    once.
 * 2. The database is killed (SIGKILL) during the load, kept down FAULTS_DOWN_SECONDS (10) and started
 *    again on the same port and folder. While it is down the portal must answer 503 — the friendly
 *    page for people, application/problem+json for /api paths and JSON requests — and stay alive; it
 *    must recover by itself within 5 s of the database's return.
 *
 * Every write the portal acknowledged (2xx/3xx) in either part is then looked up by its marker.
 * Exit code 1 on any failed assertion.
 */

const writeRate = envNumber('FAULTS_WRITE_RATE', 2, { integer: true })
const readConnections = envNumber('FAULTS_READ_CONNECTIONS', 1, { integer: true })
const downSeconds = envNumber('FAULTS_DOWN_SECONDS', 10)
const dueSoonTasks = envNumber('FAULTS_DUE_SOON', 120, { integer: true })
const resumeTimeoutMs = envNumber('FAULTS_RESUME_TIMEOUT', 600) * 1000
const RECOVERY_LIMIT_MS = 5_000
const DETECTION_LIMIT_MS = 5_000

const seconds = (millis: number) => `${(millis / 1000).toFixed(1)} s`
const clock = (base: number, at: number) => `t+${((at - base) / 1000).toFixed(1)} s`

type Assertion = { ok: boolean; text: string }
const assertions: Assertion[] = []
function expect(ok: boolean, text: string) {
  assertions.push({ ok, text })
  console.info(`  ${ok ? 'ok  ' : 'FAIL'} ${text}`)
}

async function dueSoonCounts(expectedKeys: Set<string>) {
  const notifications = await collection('notifications').find({ event: 'due_soon' }, { projection: { dedupeKey: 1 } }).toArray()
  const outbox = await collection('outboxmessages')
    .find({ kind: 'taskDueSoon' }, { projection: { dedupeKey: 1, status: 1, to: 1, subject: 1 } })
    .toArray()
  const perKey = (keys: string[]) => {
    const counts = new Map<string, number>()
    for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1)
    return counts
  }
  const notified = perKey(notifications.map((row) => String(row.dedupeKey)))
  const queued = perKey(outbox.map((row) => String(row.dedupeKey).replace(/^mail:/, '')))
  return {
    notifications: notifications.length,
    notified,
    outbox,
    queued,
    sent: outbox.filter((row) => row.status === 'sent').length,
    unexpected: [...notified.keys(), ...queued.keys()].filter((key) => !expectedKeys.has(key)).length,
  }
}

/** The dedupe keys the reminder job must use, one per task and partner person (see app/jobs/reminders.server.ts). */
async function expectedReminderKeys(world: World, taskIds: string[]) {
  const rows = await collection('tasks')
    .find({ _id: { $in: taskIds.map((id) => new ObjectId(id)) } }, { projection: { dueAt: 1, assigneeOrganisationId: 1 } })
    .toArray()
  const keys = new Set<string>()
  for (const row of rows) {
    const people = world.workers.get(String(row.assigneeOrganisationId)) ?? []
    for (const person of people) keys.add(`task:${String(row._id)}:due_soon:${(row.dueAt as Date).toISOString()}:${person.viewer.userId}`)
  }
  return keys
}

function statusTally(answers: readonly Answer[], from: number, to: number) {
  const tally = new Map<number, number>()
  for (const answer of answers) if (answer.at >= from && answer.at < to) tally.set(answer.status, (tally.get(answer.status) ?? 0) + 1)
  return [...tally].sort(([a], [b]) => a - b)
}

async function main(): Promise<number> {
  requireBuild()
  const secret = newSessionSecret()
  process.env.SESSION_SECRET = secret
  process.env.LOG_LEVEL = 'warn'
  const run = Date.now().toString(36).slice(-5)
  let db: ScratchDatabase | undefined
  let portal: PortalProcess | undefined
  let sink: Awaited<ReturnType<typeof startSmtpSink>> | undefined
  const sinkDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-faults-mail-'))
  const mixes: RunningMix[] = []
  try {
    const host = machine()
    console.info('Fault tolerance test')
    console.info(`  machine: ${host.cores} cores (${host.cpu}), ${host.memoryGiB} GiB, Node ${host.node}; ${host.database}`)
    db = await scratchDatabase('portal-faults')
    sink = await startSmtpSink({ dir: sinkDir })
    console.info('Seeding through the domain functions…')
    // Writes run for about a minute in all (part 1 before and after the kill, part 2).
    const pool = Math.ceil(writeRate * 60 * 1.25) + 20
    // E-mail only for the reminders (everyone's preference), so that the outbox holds what this test counts.
    const world = await seedWorld({ run, ackPoolSize: pool, reportPoolSize: pool, emailEvents: ['due_soon'] })
    const dueSoon = await seedDueSoonTasks(world, dueSoonTasks, run)
    const expectedKeys = await expectedReminderKeys(world, dueSoon.map((task) => task.id))
    console.info(`  ${dueSoon.length} tasks due tomorrow: ${thousands(expectedKeys.size)} "due soon" reminders to send (one per task and partner person)`)
    const pools = { ack: [...world.ackPool], report: [...world.reportPool] }
    const env = { SMTP_URL: sink.url }
    const mixOptions = { world, run, readConnections, writeRate, seconds: 600 }
    const probeAccount = world.workers.get(world.partners[0]?.id ?? '')?.[0]
    if (!probeAccount) throw new Error('no partner account to probe with')

    // ---------------------------------------------------------------------------------------------
    console.info('')
    console.info('Part 1: the app is killed mid-load (SIGKILL) while its reminder job runs, then restarted')
    portal = await startPortalProcess({ databaseUrl: db.uri, sessionSecret: secret, env })
    const base = Date.now()
    console.info(`  portal A on ${portal.url} (pid ${portal.pid}), healthy after ${seconds(portal.startupMs)}; reminder scan started with it`)
    const before = startMix({ ...mixOptions, url: portal.url }, pools)
    mixes.push(before)
    // Kill once the load has run a few seconds and the job has sent some reminders but not all.
    const notified = () => collection('notifications').countDocuments({ event: 'due_soon' })
    for (;;) {
      await sleep(250)
      const loaded = Date.now() - before.started
      if (loaded >= 12_000) break
      const count = loaded >= 3_000 ? await notified() : 0
      if (count > 0 && count < expectedKeys.size) break
    }
    const killedAt = Date.now()
    const gone = portal.kill('SIGKILL')
    before.stop()
    await gone
    await before.done
    const atKill = await dueSoonCounts(expectedKeys)
    const mailsAtKill = readMailbox(sinkDir).length
    const scanAtKill = atKill.notifications
    console.info(
      `  ${clock(base, killedAt)}: SIGKILL after ${seconds(killedAt - before.started)} of load; the reminder job had notified ${thousands(scanAtKill)} of ${thousands(expectedKeys.size)}` +
        ` (${thousands(atKill.outbox.length)} e-mails queued, ${thousands(atKill.sent)} sent)`,
    )
    const killedMidScan = scanAtKill > 0 && scanAtKill < expectedKeys.size
    if (!killedMidScan) console.warn('  note: the kill did not land inside the reminder scan (it had not started or had finished)')

    portal = await startPortalProcess({ databaseUrl: db.uri, sessionSecret: secret, env, port: portal.port })
    const restartedAt = Date.now()
    console.info(`  ${clock(base, restartedAt)}: portal B on the same port (pid ${portal.pid}), healthy after ${seconds(portal.startupMs)}`)
    const after = startMix({ ...mixOptions, url: portal.url, seconds: 10 }, pools)
    mixes.push(after)
    await after.done
    const cut = before.answers.filter((answer) => answer.at >= killedAt).length
    console.info(`  load before the kill (${seconds(killedAt - before.started)}; then ${thousands(cut)} requests cut or refused while the app was down, until the load stopped):`)
    console.info(kindTable(summarise(before.answers, (killedAt - before.started) / 1000, before.started, killedAt)))
    console.info('  load after the restart (10 s):')
    console.info(kindTable(summarise(after.answers, 10)))
    const serverErrorsAroundCrash = [...before.answers, ...after.answers].filter((answer) => answer.status >= 500).length
    expect(serverErrorsAroundCrash === 0, `no 5xx before the kill or after the restart (${serverErrorsAroundCrash})`)
    expect(portal.startupMs < 60_000, `the app restarts on the same port (${seconds(portal.startupMs)})`)

    // ---------------------------------------------------------------------------------------------
    const slotEnd = (Math.floor(Date.now() / REMINDER_SLOT_MS) + 1) * REMINDER_SLOT_MS
    const outageFits = slotEnd - Date.now() > (downSeconds + 30) * 1000
    const resumeWait = async () => {
      console.info('')
      console.info('Reminders: waiting for the next 5-minute slot, when the job resumes the killed run’s work')
      const deadline = restartedAt + resumeTimeoutMs
      let counts = await dueSoonCounts(expectedKeys)
      let delivered = 0
      for (;;) {
        counts = await dueSoonCounts(expectedKeys)
        delivered = readMailbox(sinkDir).filter((mail) => mail.subject && counts.outbox.some((row) => row.subject === mail.subject)).length
        const complete = counts.notified.size === expectedKeys.size && counts.queued.size === expectedKeys.size && counts.sent === counts.outbox.length
        if (complete && delivered >= counts.outbox.length) break
        if (Date.now() > deadline) break
        await sleep(2_000)
      }
      const resumedAt = Date.now()
      // Give a late duplicate (a redelivery after a lease ran out) the chance to show up before counting.
      await sleep(5_000)
      counts = await dueSoonCounts(expectedKeys)
      const mailbox = readMailbox(sinkDir)
      const deliveredPerMessage = counts.outbox.map((row) => mailbox.filter((mail) => mail.to.includes(String(row.to)) && mail.subject === row.subject).length)
      const notifiedTwice = [...counts.notified.values()].filter((count) => count > 1).length
      const queuedTwice = [...counts.queued.values()].filter((count) => count > 1).length
      const missingNotifications = [...expectedKeys].filter((key) => !counts.notified.has(key)).length
      const missingMails = [...expectedKeys].filter((key) => !counts.queued.has(key)).length
      console.info(
        `  ${clock(base, resumedAt)}: ${thousands(counts.notifications)} "due soon" notifications, ${thousands(counts.outbox.length)} e-mails queued,` +
          ` ${thousands(counts.sent)} sent, ${thousands(deliveredPerMessage.reduce((sum, n) => sum + n, 0))} received by the SMTP sink`,
      )
      console.info(`  before the kill: ${thousands(scanAtKill)} notified, ${thousands(mailsAtKill)} mails received (all kinds); the rest after the restart`)
      expect(missingNotifications === 0, `every reminder was notified after the restart (${thousands(missingNotifications)} missing)`)
      expect(notifiedTwice === 0 && counts.unexpected === 0, `each notification exactly once per dedupe key (${notifiedTwice} twice, ${counts.unexpected} unexpected keys)`)
      expect(missingMails === 0 && queuedTwice === 0, `each reminder e-mail queued exactly once per dedupe key (${missingMails} missing, ${queuedTwice} twice)`)
      const deliveredTwice = deliveredPerMessage.filter((n) => n > 1).length
      const undelivered = deliveredPerMessage.filter((n) => n === 0).length
      expect(deliveredTwice === 0 && undelivered === 0, `each reminder e-mail received exactly once by the SMTP sink (${deliveredTwice} twice, ${undelivered} not received)`)
      if (killedMidScan) expect(true, `the job resumed the killed run’s work: ${thousands(expectedKeys.size - scanAtKill)} reminders sent after the restart`)
    }

    if (!outageFits) await resumeWait()

    // ---------------------------------------------------------------------------------------------
    console.info('')
    console.info(`Part 2: the database is killed (SIGKILL) under load, kept down ${downSeconds} s, restarted on the same port`)
    const outage = startMix({ ...mixOptions, url: portal.url }, pools)
    mixes.push(outage)
    const probes = startProbes(portal.url, probeAccount.cookie)
    let alive = true
    const watch = setInterval(() => (alive &&= portal?.alive() ?? false), 100)
    await sleep(8_000)
    const downAt = Date.now()
    await db.kill()
    console.info(`  ${clock(base, downAt)}: database killed (SIGKILL)`)
    await sleep(downSeconds * 1000)
    // Answers after this moment may come from a database already back (the restart waits until it
    // answers): only those answered before it count as answers of the outage.
    const restartingAt = Date.now()
    await db.restart()
    const upAt = Date.now()
    console.info(`  ${clock(base, upAt)}: database answers again (pid ${db.pid()}, same port ${db.port})`)
    let recoveredAt = 0
    while (!recoveredAt && Date.now() - upAt < 30_000) {
      await sleep(100)
      const recovered = probes.answers.find((answer) => answer.kind === 'page' && answer.askedAt >= upAt && answer.status === 200)
      if (recovered) recoveredAt = recovered.answeredAt
    }
    await sleep(5_000)
    outage.stop()
    await outage.done
    await probes.stop()
    clearInterval(watch)
    alive &&= portal.alive()

    const down = (answer: ProbeAnswer) => answer.askedAt >= downAt && answer.answeredAt < restartingAt
    const firstUnavailable = probes.answers.find((answer) => down(answer) && answer.status === 503)
    const afterDetection = probes.answers.filter((answer) => down(answer) && firstUnavailable && answer.askedAt >= firstUnavailable.askedAt)
    const byKind = (kind: ProbeAnswer['kind']) => afterDetection.filter((answer) => answer.kind === kind)
    const allFriendly = (kind: ProbeAnswer['kind']) => byKind(kind).length > 0 && byKind(kind).every((answer) => answer.friendly)
    const outageAnswers = outage.answers.filter((answer) => answer.at >= downAt && answer.at < (recoveredAt || upAt))
    const outageTally = statusTally(outage.answers, downAt, recoveredAt || upAt)
    const otherServerErrors = outageAnswers.filter((answer) => answer.status >= 500 && answer.status !== 503).length
    const probeTally = statusTally(
      probes.answers.filter(down).map((answer) => ({ at: answer.askedAt, kind: 'queue', status: answer.status, ms: 0 })),
      downAt,
      upAt,
    )
    console.info(`  probes while down: ${probeTally.map(([status, n]) => `${status || 'no answer'}×${n}`).join(' ')}; load while down: ${outageTally.map(([status, n]) => `${status || 'no answer'}×${n}`).join(' ')}`)
    console.info('  load during part 2 (the outage included):')
    console.info(kindTable(summarise(outage.answers, (Date.now() - outage.started) / 1000)))
    expect(alive, 'the portal process stayed alive throughout')
    expect(Boolean(firstUnavailable) && (firstUnavailable?.answeredAt ?? Infinity) - downAt <= DETECTION_LIMIT_MS, `it answers 503 within ${seconds(DETECTION_LIMIT_MS)} of the outage (${firstUnavailable ? seconds(firstUnavailable.answeredAt - downAt) : 'never'})`)
    expect(afterDetection.length > 0 && afterDetection.every((answer) => answer.status === 503), `from then on every probe answer is 503 until the database returns (${afterDetection.length} probes)`)
    expect(allFriendly('page'), 'people get the friendly 503 page (text/html, “Temporarily unavailable”)')
    expect(allFriendly('api'), '/api paths get application/problem+json with status 503')
    expect(allFriendly('json'), 'requests accepting JSON get application/problem+json with status 503')
    expect(otherServerErrors === 0, `no other 5xx than 503 under load while the database was down (${otherServerErrors})`)
    const afterReturn = probes.answers.filter((answer) => answer.askedAt >= upAt).slice(0, 6)
    const refusedUntil = probes.answers.find((answer) => answer.askedAt >= upAt && answer.status !== 503 && answer.status !== 0)
    console.info(
      `  after the return: the portal stopped answering 503 at ${refusedUntil ? clock(upAt, refusedUntil.answeredAt) : 'never'}; probes: ` +
        afterReturn.map((answer) => `${answer.kind} ${answer.status || 'no answer'} (asked ${clock(upAt, answer.askedAt)}, answered ${clock(upAt, answer.answeredAt)})`).join(', '),
    )
    expect(
      recoveredAt > 0 && recoveredAt - upAt <= RECOVERY_LIMIT_MS,
      `it recovers by itself within ${seconds(RECOVERY_LIMIT_MS)} of the database's return: a signed-in page served ${recoveredAt ? `${seconds(recoveredAt - upAt)} after it` : 'not within 30 s'}`,
    )

    if (outageFits) await resumeWait()

    // ---------------------------------------------------------------------------------------------
    console.info('')
    console.info('Writes acknowledged (2xx/3xx) in both parts, looked up by marker:')
    const writes: Write[] = mixes.flatMap((mix) => mix.writes)
    const checks: WriteCheck[] = await checkWrites(writes)
    console.info(writeTable(checks))
    const lost = checks.reduce((sum, check) => sum + check.missing.length, 0)
    expect(lost === 0, `no acknowledged write was lost (${lost} missing of ${thousands(checks.reduce((sum, check) => sum + check.acknowledged, 0))})`)

    const failed = assertions.filter((assertion) => !assertion.ok)
    console.info('')
    if (failed.length > 0) {
      console.error(`FAILED (${failed.length} of ${assertions.length}):\n  - ${failed.map((a) => a.text).join('\n  - ')}`)
      console.error(`  portal log (last failures):\n${failureExcerpt(portal.output())}`)
      return 1
    }
    console.info(`PASSED (${assertions.length} assertions).`)
    return 0
  } catch (error) {
    console.error(`The fault test could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
    if (portal) console.error(`  portal log:\n${failureExcerpt(portal.output())}`)
    return 1
  } finally {
    for (const mix of mixes) mix.stop()
    await portal?.stop().catch(() => {})
    await sink?.stop().catch(() => {})
    await db?.dispose()
    fs.rmSync(sinkDir, { recursive: true, force: true })
  }
}

process.exit(await main())
