import autocannon from 'autocannon'
import { ObjectId } from 'mongodb'
import { collection } from './database'
import { percentiles, type Percentiles } from './stats'
import { pick, type Account, type TaskRef, type World } from './world'

/**
 * The request mix of `npm run load` (and of the load under `npm run faults`): one autocannon instance
 * per kind of request, all at once, on loopback.
 *
 * Reads run closed-loop (each connection sends its next request when the previous one is answered):
 * the partner task queue, a task page, an initiative page and an indicator search. Writes run at a
 * fixed rate, as form POSTs with the session cookie and the anti-forgery token, each with a unique
 * marker: acknowledging a task (the task itself is the marker: each is acknowledged once), a report
 * (its reference), a comment (its text) and a sighting (its note). Every answer is recorded with its
 * time, so that afterwards each write the portal acknowledged (2xx/3xx) can be looked up by marker.
 */

export const readKinds = ['queue', 'task', 'initiative', 'search'] as const
export const writeKinds = ['acknowledge', 'report', 'comment', 'sighting'] as const
export type Kind = (typeof readKinds)[number] | (typeof writeKinds)[number]
const isWrite = (kind: Kind) => (writeKinds as readonly string[]).includes(kind)

export type Answer = { at: number; kind: Kind; status: number; ms: number }
export type Write = { kind: (typeof writeKinds)[number]; marker: string; status: number; at: number }

export type KindSummary = Percentiles & {
  kind: Kind
  requests: number
  perSecond: number
  statuses: Record<string, number>
  /** Connection errors and timeouts (no HTTP answer). */
  errors: number
}

export type MixOptions = {
  url: string
  world: World
  run: string
  /** Upper bound; `stop()` ends it earlier. */
  seconds: number
  readConnections: number
  /** Requests per second for each write kind. */
  writeRate: number
  timeoutSeconds?: number
}

const today = () => new Date().toISOString().slice(0, 10)
const yesterday = () => new Date(Date.now() - 24 * 60 * 60 * 1000).toISOString().slice(0, 10)
const form = (account: Account, fields: Record<string, string>) => new URLSearchParams({ csrf: account.csrf, ...fields }).toString()

type Pools = { ack: TaskRef[]; report: TaskRef[] }

export type RunningMix = {
  started: number
  answers: Answer[]
  writes: Write[]
  /** Stops every instance now (their in-flight requests are dropped). */
  stop: () => void
  done: Promise<{ seconds: number }>
}

/** Starts the mix; pools are consumed as the writes go (each task is acknowledged or reported once). */
export function startMix(options: MixOptions, pools: Pools): RunningMix {
  const { url, world, run } = options
  const answers: Answer[] = []
  const writes: Write[] = []
  let counter = 0
  const marker = (kind: string) => `L${run}-${kind}-${++counter}`
  const workerOf = (organisationId: string) => pick(world.workers.get(organisationId) ?? [])
  const partnerAccounts = world.partners.flatMap((p) => world.workers.get(p.id) ?? [])
  const started = Date.now()

  const get = (path: string, account: Account) => ({ method: 'GET' as const, path, headers: { cookie: account.cookie, accept: 'text/html' } })
  const post = (path: string, account: Account, body: string) => ({
    method: 'POST' as const,
    path,
    headers: { cookie: account.cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
    body,
  })

  type Plan = { kind: Kind; build: (context: Record<string, unknown>) => autocannon.RequestSpec }
  const plans: Plan[] = [
    { kind: 'queue', build: () => get(`/tasks?view=${pick(['assigned', 'assigned', 'mine'])}`, pick(partnerAccounts)) },
    {
      kind: 'task',
      build: () => {
        const task = pick(world.tasks)
        return get(`/tasks/${task.id}`, workerOf(task.assigneeOrganisationId))
      },
    },
    {
      kind: 'initiative',
      build: () => {
        const initiative = pick(world.initiatives)
        const participant = pick(initiative.participantIds)
        return get(`/initiatives/${initiative.id}`, Math.random() < 0.3 ? initiative.lead : workerOf(participant))
      },
    },
    {
      kind: 'search',
      build: () => {
        const indicator = pick(world.indicators)
        // Now and then a value nobody submitted: an empty result must cost no more.
        const q = Math.random() < 0.2 ? `unknown-${Math.floor(Math.random() * 1e6)}.example.org` : indicator.value
        return get(`/indicators?q=${encodeURIComponent(q)}`, pick(partnerAccounts))
      },
    },
    {
      kind: 'acknowledge',
      build: (context) => {
        // Past the end of the pool the task is taken again; the portal then refuses it (409), which is counted, not hidden.
        const task = pools.ack.shift() ?? pick(world.tasks)
        context.marker = task.id
        const account = workerOf(task.assigneeOrganisationId)
        return post(`/tasks/${task.id}`, account, form(account, { intent: 'transition', transition: 'acknowledge' }))
      },
    },
    {
      kind: 'report',
      build: (context) => {
        const task = pools.report.shift() ?? pick(world.tasks)
        const reference = marker('R')
        context.marker = reference
        const account = workerOf(task.assigneeOrganisationId)
        return post(
          `/tasks/${task.id}`,
          account,
          form(account, {
            intent: 'report',
            'actions.0.type': pick(['notice_sent', 'url_blocked', 'merchant_investigated']),
            'actions.0.quantity': String(1 + Math.floor(Math.random() * 9)),
            'actions.0.actionDate': yesterday(),
            'actions.0.reference': reference,
          }),
        )
      },
    },
    {
      kind: 'comment',
      build: (context) => {
        const task = pick(world.tasks)
        const text = marker('C')
        context.marker = text
        const account = workerOf(task.assigneeOrganisationId)
        return post(`/tasks/${task.id}`, account, form(account, { intent: 'comment', body: `Checked on our side, reference ${text}.`, visibility: 'shared' }))
      },
    },
    {
      kind: 'sighting',
      build: (context) => {
        const indicator = pick(world.indicators)
        const note = marker('S')
        context.marker = note
        const account = pick(partnerAccounts)
        return post(`/indicators/${indicator.id}`, account, form(account, { intent: 'sighting', kind: pick(['seen', 'processed', 'matched']), at: today(), count: '1', tlp: 'GREEN', note }))
      },
    },
  ]

  const instances: autocannon.Instance[] = []
  const finished = plans.map(
    (plan) =>
      new Promise<void>((resolve, reject) => {
        const write = isWrite(plan.kind)
        const instance = autocannon(
          {
            url,
            duration: options.seconds,
            connections: write ? 2 : options.readConnections,
            ...(write ? { overallRate: options.writeRate } : {}),
            timeout: options.timeoutSeconds ?? 20,
            requests: [
              {
                setupRequest: (_request, context) => plan.build(context),
                onResponse: (status, _body, context) => {
                  if (write && typeof context.marker === 'string') {
                    writes.push({ kind: plan.kind as Write['kind'], marker: context.marker, status, at: Date.now() })
                  }
                },
              },
            ],
          },
          (error) => (error ? reject(error) : resolve()),
        )
        instance.on('response', (_client, status, _bytes, responseTime) => answers.push({ at: Date.now(), kind: plan.kind, status, ms: responseTime }))
        instance.on('reqError', () => answers.push({ at: Date.now(), kind: plan.kind, status: 0, ms: Number.NaN }))
        instances.push(instance)
      }),
  )
  return {
    started,
    answers,
    writes,
    stop: () => instances.forEach((instance) => instance.stop()),
    done: Promise.all(finished).then(() => ({ seconds: (Date.now() - started) / 1000 })),
  }
}

/** Throughput and latency per kind over the answers received in [from, to). */
export function summarise(answers: readonly Answer[], seconds: number, from = 0, to = Number.POSITIVE_INFINITY): KindSummary[] {
  return [...readKinds, ...writeKinds].map((kind) => {
    const own = answers.filter((answer) => answer.kind === kind && answer.at >= from && answer.at < to)
    const answered = own.filter((answer) => answer.status > 0)
    const statuses: Record<string, number> = {}
    for (const answer of answered) statuses[String(answer.status)] = (statuses[String(answer.status)] ?? 0) + 1
    return {
      kind,
      requests: answered.length,
      perSecond: answered.length / seconds,
      statuses,
      errors: own.length - answered.length,
      ...percentiles(answered.map((answer) => answer.ms)),
    }
  })
}

export type WriteCheck = { kind: Write['kind']; acknowledged: number; refused: number; failed: number; found: number; missing: string[] }

/** Looks up every write the portal acknowledged (2xx/3xx) by its marker, in the database. */
export async function checkWrites(writes: readonly Write[]): Promise<WriteCheck[]> {
  const acknowledged = (kind: Write['kind']) => writes.filter((w) => w.kind === kind && w.status >= 200 && w.status < 400).map((w) => w.marker)
  const present = new Map<Write['kind'], Set<string>>()

  const acked = acknowledged('acknowledge')
  const ackFound = new Set<string>()
  // By `_id`, in chunks: the one query the embedded database answers from an index.
  for (let start = 0; start < acked.length; start += 500) {
    const chunk = acked.slice(start, start + 500).map((id) => new ObjectId(id))
    const rows = await collection('tasks')
      .find({ _id: { $in: chunk } }, { projection: { timeline: 1 } })
      .toArray()
    for (const row of rows) {
      const timeline = (row.timeline ?? []) as { transition?: string }[]
      if (timeline.some((step) => step.transition === 'acknowledge')) ackFound.add(String(row._id))
    }
  }
  present.set('acknowledge', ackFound)

  const reports = await collection('actionreports').find({}, { projection: { actions: 1 } }).toArray()
  present.set('report', new Set(reports.flatMap((row) => ((row.actions ?? []) as { reference?: string }[]).map((a) => a.reference ?? ''))))
  const comments = await collection('taskcomments').find({}, { projection: { body: 1 } }).toArray()
  present.set('comment', new Set(comments.map((row) => /reference (\S+)\.$/.exec(String(row.body))?.[1] ?? '')))
  const sightings = await collection('sightings').find({}, { projection: { note: 1 } }).toArray()
  present.set('sighting', new Set(sightings.map((row) => String(row.note ?? ''))))

  return writeKinds.map((kind) => {
    const own = writes.filter((w) => w.kind === kind)
    const ok = acknowledged(kind)
    const found = present.get(kind) ?? new Set<string>()
    return {
      kind,
      acknowledged: ok.length,
      refused: own.filter((w) => w.status >= 400 && w.status < 500).length,
      failed: own.filter((w) => w.status >= 500).length,
      found: ok.filter((m) => found.has(m)).length,
      missing: ok.filter((m) => !found.has(m)),
    }
  })
}
