import { faker } from '@faker-js/faker'
import { loadViewer } from '../../app/auth/guards.server'
import { startSession } from '../../app/auth/session.server'
import type { NotificationEvent, OrganisationKind, Role, TaskPriority } from '../../app/domain/vocabulary'
import { submitIndicatorBatch, type IndicatorRow } from '../../app/indicators/submit.server'
import { createInitiative, inviteParticipants, respondToInvitation } from '../../app/initiatives/initiatives.server'
import { saveEmailPreferences } from '../../app/notifications/preferences.server'
import { createOrganisation } from '../../app/partners/organisations.server'
import { provisionUser } from '../../app/people/users.server'
import type { Viewer } from '../../app/policy/permissions'
import { createTasks, submitReport, transitionTask } from '../../app/tasks/tasks.server'
import { csrfTokenFor } from '../../app/utils/csrf.server'

/**
 * The data set of `npm run load` and `npm run faults`, made through the domain functions (the same
 * code paths as the forms): four national centres and twelve partners of every kind, 52 people of
 * every working role, each signed straight in (a session and an anti-forgery token, as
 * tests/support/requests.ts does; signing in through the forms needs a TOTP code), an initiative per
 * centre, tasks in pools for the writes of the load, and a few thousand TLP:GREEN indicators.
 */

const DAY = 24 * 60 * 60 * 1000

export type Organisation = { id: string; name: string; kind: OrganisationKind }

/** A signed-in person: the Cookie header and the form token a browser would send. */
export type Account = { viewer: Viewer; cookie: string; csrf: string }

export type TaskRef = { id: string; ownerCentreId: string; assigneeOrganisationId: string }

export type World = {
  centres: Organisation[]
  partners: Organisation[]
  accounts: Account[]
  /** Per organisation, the people who work its queue (partners) or own its tasks (centres). */
  workers: Map<string, Account[]>
  initiatives: { id: string; leadCentreId: string; lead: Account; participantIds: string[] }[]
  /** Assigned, acknowledged or further: for task pages and comments. */
  tasks: TaskRef[]
  /** Still `assigned`: each one is acknowledged once by the load. */
  ackPool: TaskRef[]
  /** `acknowledged`: each one receives one report from the load. */
  reportPool: TaskRef[]
  /** TLP:GREEN indicators every active organisation sees: searched and sighted by the load. */
  indicators: { id: string; type: string; value: string }[]
}

const centrePlan: { country: string; name: string }[] = [
  { country: 'NL', name: 'Netherlands National Operational Centre' },
  { country: 'FR', name: 'Centre opérationnel national de protection des mineurs' },
  { country: 'KZ', name: 'Kazakhstan National Centre for Child Online Safety' },
  { country: 'BE', name: 'Belgian National Operational Centre' },
]
const partnerPlan: { kind: OrganisationKind; country: string }[] = [
  { kind: 'isp', country: 'SE' },
  { kind: 'isp', country: 'AT' },
  { kind: 'hosting_provider', country: 'DE' },
  { kind: 'bank', country: 'GB' },
  { kind: 'bank', country: 'FR' },
  { kind: 'card_scheme', country: 'US' },
  { kind: 'card_scheme', country: 'BE' },
  { kind: 'acquirer_processor', country: 'IE' },
  { kind: 'acquirer_processor', country: 'LT' },
  { kind: 'payment_service', country: 'LU' },
  { kind: 'crypto_exchange', country: 'MT' },
  { kind: 'hotline_ngo', country: 'NL' },
]
const centreRoles: Role[][] = [['staff'], ['staff'], ['coordinator'], ['dpo']]
const partnerRoles: Role[][] = [['admin'], ['member'], ['member']]

function pick<T>(items: readonly T[]): T {
  const item = items[Math.floor(Math.random() * items.length)]
  if (item === undefined) throw new Error('pick from an empty list')
  return item
}
export { pick }

/** Signs a person straight in: a full session and an anti-forgery cookie, as a browser holds them. */
async function signIn(viewer: Viewer): Promise<Account> {
  const session = await startSession({ id: viewer.userId, organisationId: viewer.organisationId }, 'full', { ip: '127.0.0.1', userAgent: 'load-script' })
  const csrf = await csrfTokenFor(new Request('http://localhost/'))
  const pair = (setCookie: string | undefined) => (setCookie ?? '').split(';')[0]?.trim() ?? ''
  return { viewer, cookie: [pair(csrf.setCookie), pair(session.setCookie)].filter(Boolean).join('; '), csrf: csrf.token }
}

async function organisation(legalName: string, kind: OrganisationKind, country: string): Promise<Organisation> {
  const contact = faker.person.fullName()
  const created = await createOrganisation({
    legalName,
    kind,
    country,
    status: 'active',
    agreementReference: `PPP-2026-${faker.string.numeric(4)}`,
    contact: { name: contact, email: `contact@${legalName.toLowerCase().replace(/[^a-z]+/g, '-')}.example`, phone: `+3120${faker.string.numeric(7)}` },
  })
  return { id: created.id, name: created.legalName, kind }
}

export async function seedWorld({
  run,
  ackPoolSize,
  reportPoolSize,
  indicatorsPerPartner = 150,
  emailEvents,
  log = (line: string) => console.info(line),
}: {
  run: string
  ackPoolSize: number
  reportPoolSize: number
  indicatorsPerPartner?: number
  /** When given, everyone keeps e-mail for these events only (the account page's preference); in-app stays. */
  emailEvents?: NotificationEvent[]
  log?: (line: string) => void
}): Promise<World> {
  faker.seed(20_260_412)
  const started = Date.now()
  const centres: Organisation[] = []
  for (const plan of centrePlan) centres.push(await organisation(`${plan.name} ${run}`, 'national_centre', plan.country))
  const partners: Organisation[] = []
  for (const [index, plan] of partnerPlan.entries()) {
    partners.push(await organisation(`${faker.company.name()} ${plan.kind.replace(/_/g, ' ')} ${run}-${index}`, plan.kind, plan.country))
  }

  const accounts: Account[] = []
  const workers = new Map<string, Account[]>()
  let personNumber = 0
  for (const [organisations, roleSets] of [
    [centres, centreRoles],
    [partners, partnerRoles],
  ] as const) {
    for (const org of organisations) {
      for (const roles of roleSets) {
        personNumber++
        const name = faker.person.fullName()
        const user = await provisionUser({
          organisationId: org.id,
          email: `person-${personNumber}-${run}@load.example`,
          name,
          roles,
          locale: pick(['en', 'en', 'fr', 'ru'] as const),
        })
        const viewer = await loadViewer(user.id, org.id)
        if (!viewer) throw new Error(`seeded person ${user.email} cannot act`)
        if (emailEvents) await saveEmailPreferences(viewer, emailEvents)
        const account = await signIn(viewer)
        accounts.push(account)
        const works = roles.some((role) => role === 'staff' || role === 'member' || role === 'admin')
        if (works) workers.set(org.id, [...(workers.get(org.id) ?? []), account])
      }
    }
  }
  log(`  ${centres.length + partners.length} organisations and ${accounts.length} people with sessions`)

  const staffOf = (centre: Organisation) => {
    const staff = workers.get(centre.id)?.[0]
    if (!staff) throw new Error('a centre without staff')
    return staff
  }
  const adminOf = (partner: Organisation) => {
    const admin = workers.get(partner.id)?.find((account) => account.viewer.roles.includes('admin'))
    if (!admin) throw new Error('a partner without an administrator')
    return admin
  }

  const initiatives: World['initiatives'] = []
  for (const [index, centre] of centres.entries()) {
    const lead = staffOf(centre)
    const participants = partners.filter((_, p) => (p + index) % 2 === 0)
    const id = await createInitiative(lead.viewer, {
      title: `Storefront network ${index + 1}: card payment disruption (${run})`,
      purpose: 'Identify and cut the card acceptance of a storefront network. Data shared here may be used only for this disruption.',
      status: 'active',
      startAt: new Date(Date.now() - 20 * DAY),
      targetAt: new Date(Date.now() + 40 * DAY),
      objectives: [
        { actionType: 'merchant_terminated', target: 20 },
        { actionType: 'notice_sent', target: 40 },
        { actionType: 'url_blocked', target: 200 },
      ],
      milestones: [
        { title: 'Acquirers identified for every descriptor', dueAt: new Date(Date.now() - 5 * DAY) },
        { title: 'All merchant accounts terminated', dueAt: new Date(Date.now() + 20 * DAY) },
      ],
    })
    await inviteParticipants(lead.viewer, id, participants.map((p) => p.id))
    for (const participant of participants) await respondToInvitation(adminOf(participant).viewer, id, true)
    initiatives.push({ id, leadCentreId: centre.id, lead, participantIds: participants.map((p) => p.id) })
  }
  log(`  ${initiatives.length} initiatives with ${initiatives.reduce((sum, i) => sum + i.participantIds.length, 0)} participations`)

  // Tasks, one per partner in each call (as a centre assigns one request to many partners at once).
  const priorities: TaskPriority[] = ['urgent', 'high', 'normal', 'normal', 'normal', 'low']
  const created: TaskRef[] = []
  const wanted = ackPoolSize + reportPoolSize + 2 * partners.length * centres.length
  for (let round = 0; created.length < wanted; round++) {
    for (const [index, centre] of centres.entries()) {
      const owner = workers.get(centre.id)?.[round % 2] ?? staffOf(centre)
      const initiative = round % 2 === 0 ? initiatives[index] : undefined
      const { ids } = await createTasks(owner.viewer, {
        title: `Resolve the acquirer behind descriptor SHOP*${run.toUpperCase()}${round}-${index}`,
        description: 'Test purchase on the storefront. Please resolve the **acquiring bank** and report what you did.',
        assigneeOrganisationIds: partners.map((p) => p.id),
        priority: pick(priorities),
        dueAt: new Date(Date.now() + (5 + (round % 20)) * DAY),
        tlp: 'AMBER',
        initiativeId: initiative?.id,
      })
      ids.forEach((id, p) => created.push({ id, ownerCentreId: centre.id, assigneeOrganisationId: (partners[p] as Organisation).id }))
    }
  }
  // Interleave so that every partner has tasks in every pool.
  const shuffled = faker.helpers.shuffle(created)
  const ackPool = shuffled.slice(0, ackPoolSize)
  const reportPool = shuffled.slice(ackPoolSize, ackPoolSize + reportPoolSize)
  const rest = shuffled.slice(ackPoolSize + reportPoolSize)
  const workerOf = (organisationId: string) => pick(workers.get(organisationId) ?? [])

  for (const task of reportPool) await transitionTask(workerOf(task.assigneeOrganisationId).viewer, task.id, 'acknowledge')
  // Some finished work, so that initiative pages have figures to compute.
  for (const [index, task] of rest.entries()) {
    const partner = workerOf(task.assigneeOrganisationId).viewer
    await transitionTask(partner, task.id, 'acknowledge')
    if (index % 2 === 1) continue
    await submitReport(partner, task.id, [{ type: pick(['notice_sent', 'url_blocked', 'merchant_terminated'] as const), quantity: 1 + (index % 5), actionDate: new Date(Date.now() - DAY), reference: `SEED-${index}` }])
    const owner = workers.get(task.ownerCentreId)?.find((account) => account.viewer.roles.includes('staff'))
    if (owner && index % 4 === 0) await transitionTask(owner.viewer, task.id, 'verify')
  }
  log(`  ${created.length} tasks (${ackPool.length} to acknowledge, ${reportPool.length} to report on, ${rest.length} worked)`)

  const indicators: World['indicators'] = []
  for (const [index, partner] of partners.entries()) {
    const rows: IndicatorRow[] = Array.from({ length: indicatorsPerPartner }, (_, n) => {
      const key = `${run}-${index}-${n}`
      switch (n % 4) {
        case 0:
          return { type: 'domain', value: `shop-${key}.example.com`, tlp: 'GREEN', context: 'Storefront selling access' }
        case 1:
          return { type: 'url', value: `https://pay-${key}.example.net/checkout`, tlp: 'GREEN' }
        case 2:
          return { type: 'merchant_descriptor', value: `SHOP*${key.toUpperCase()}`, tlp: 'GREEN', reliability: 'B', credibility: '2' }
        default:
          return { type: 'payment_processor', value: `processor ${key}`, tlp: 'GREEN' }
      }
    })
    const result = await submitIndicatorBatch(adminOf(partner).viewer, rows, { source: 'import' })
    if (result.rejected.length > 0) throw new Error(`seed indicators rejected: ${JSON.stringify(result.rejected.slice(0, 3))}`)
    result.ids.forEach((id, n) => indicators.push({ id, type: (rows[n] as IndicatorRow).type, value: (rows[n] as IndicatorRow).value }))
  }
  log(`  ${indicators.length} TLP:GREEN indicators; seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`)

  return { centres, partners, accounts, workers, initiatives, tasks: [...reportPool, ...rest], ackPool, reportPool, indicators }
}

/** Tasks due within the reminder window (tomorrow), assigned by every centre to every partner. */
export async function seedDueSoonTasks(world: World, count: number, run: string) {
  const tasks: TaskRef[] = []
  for (let round = 0; tasks.length < count; round++) {
    for (const [index, centre] of world.centres.entries()) {
      if (tasks.length >= count) break
      const owner = world.workers.get(centre.id)?.[0]
      if (!owner) throw new Error('a centre without staff')
      const { ids } = await createTasks(owner.viewer, {
        title: `Due tomorrow ${run}-${round}-${index}: confirm the block of the mirror URLs`,
        description: 'Reminder test task.',
        assigneeOrganisationIds: world.partners.map((p) => p.id),
        priority: 'high',
        dueAt: new Date(Date.now() + 30 * 60 * 60 * 1000),
        tlp: 'AMBER',
      })
      ids.forEach((id, p) => tasks.push({ id, ownerCentreId: centre.id, assigneeOrganisationId: (world.partners[p] as Organisation).id }))
    }
  }
  return tasks
}
