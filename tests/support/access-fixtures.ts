import { randomBytes } from 'node:crypto'
import mongoose from 'mongoose'
import { getViewer } from '~/auth/guards.server'
import { startSession } from '~/auth/session.server'
import type { Role } from '~/domain/vocabulary'
import { submitIndicatorBatch } from '~/indicators/submit.server'
import { createInitiative, inviteParticipants, respondToInvitation } from '~/initiatives/initiatives.server'
import { invitePerson } from '~/people/invitations.server'
import { designateOperator } from '~/platform/operator.server'
import type { Viewer } from '~/policy/permissions'
import { createTasks } from '~/tasks/tasks.server'
import { createTemplate } from '~/tasks/templates.server'
import { createTestOrganisation } from '../factories/organisations'
import { createTestUser, type TestUser } from '../factories/users'
import { anonymousClient, get, signedInClient, withCookie, type Client } from './requests'

/**
 * One arranged partnership for the access matrix and the hostile-input suite: two centres (A, B), two
 * partners (P, Q), the operator, applicants, one person per role, and one object of each kind on "our"
 * side (centre A working with partner P) and on the "other" side (centre B working with partner Q).
 */

export const roles = ['staff', 'coordinator', 'dpo', 'member', 'admin', 'platform_admin'] as const satisfies readonly Role[]
export type Who = (typeof roles)[number] | 'anonymous'
export const everyone: readonly Who[] = ['anonymous', ...roles]

/** The side of the partnership each role's person works for. */
export type Side = 'centre' | 'partner' | 'operator'
export const sideOf: Record<Exclude<Who, 'anonymous'>, Side> = {
  staff: 'centre',
  coordinator: 'centre',
  dpo: 'centre',
  member: 'partner',
  admin: 'partner',
  platform_admin: 'operator',
}

export type World = {
  run: string
  organisations: {
    centreA: string
    centreB: string
    partnerP: string
    partnerQ: string
    operator: string
    applied: string
    /** An application that one test decides (so that the others still find `applied` undecided). */
    appliedToDecide: string
  }
  people: Record<Exclude<Who, 'anonymous'>, TestUser>
  viewers: Record<Exclude<Who, 'anonymous'>, Viewer>
  clients: Record<Who, Client>
  /** People of the other side who arranged its objects. */
  outsiders: { centreB: Viewer; partnerQ: Viewer; partnerQUser: TestUser }
  /** A further person in each side's own organisation (someone to look at), and one in partner Q. */
  colleagues: Record<Side, string>
  otherPerson: string
  tasks: { own: string; other: string }
  initiatives: { own: string; other: string }
  /** P's AMBER indicator in A's initiative (A and P see it), Q's AMBER indicator in B's initiative. */
  indicators: { own: string; other: string }
  submissions: Record<'centre' | 'partner' | 'other', string>
  templates: { own: string; other: string }
  /** One unread notification of each role's person, and one of a person of partner Q. */
  notifications: { own: Record<Exclude<Who, 'anonymous'>, string>; other: string }
  /** Pending invitations: one per side to look at, one per side to revoke, one of partner Q. */
  invitations: { view: Record<Side, string>; revoke: Record<Side, string>; other: string }
}

export const collection = (name: string) => mongoose.connection.collection(name)

async function viewerOf(user: TestUser): Promise<Viewer> {
  const viewer = await getViewer(get('/', await signedInClient(user)))
  if (!viewer) throw new Error(`the test person ${user.email} could not be signed in`)
  return viewer
}

/** A client whose session stopped between password and second factor (or before TOTP enrolment). */
export async function pendingClient(user: { id: string; organisationId: string }, stage: 'password' | 'enrol'): Promise<Client> {
  const session = await startSession(user, stage, { ip: '127.0.0.1', userAgent: 'vitest' })
  return withCookie(await anonymousClient(), session.setCookie)
}

/** Stored directly: the DPO and the operator never get a task notice through the domain, yet have a list to protect. */
async function notification(user: TestUser, run: string) {
  const { insertedId } = await collection('notifications').insertOne({
    organisationId: new mongoose.Types.ObjectId(user.organisationId),
    userId: new mongoose.Types.ObjectId(user.id),
    event: 'assigned',
    title: 'Access matrix notice',
    dedupeKey: `access-matrix:${run}:${user.id}`,
    createdAt: new Date(),
  })
  return String(insertedId)
}

export async function arrangeWorld(): Promise<World> {
  const run = randomBytes(4).toString('hex')
  const [centreA, centreB, partnerP, partnerQ, operator, applied, appliedToDecide] = await Promise.all([
    createTestOrganisation({ kind: 'national_centre', status: 'active' }),
    createTestOrganisation({ kind: 'national_centre', status: 'active' }),
    createTestOrganisation({ kind: 'bank', status: 'active' }),
    createTestOrganisation({ kind: 'isp', status: 'active' }),
    createTestOrganisation({ kind: 'other', status: 'active' }),
    createTestOrganisation({ kind: 'payment_service', status: 'applied' }),
    createTestOrganisation({ kind: 'crypto_exchange', status: 'applied' }),
  ])
  await designateOperator(operator.id)
  const organisationOfSide: Record<Side, string> = { centre: centreA.id, partner: partnerP.id, operator: operator.id }

  const people = {} as World['people']
  for (const role of roles) people[role] = await createTestUser({ organisationId: organisationOfSide[sideOf[role]], roles: [role] })
  const viewers = {} as World['viewers']
  const clients = { anonymous: await anonymousClient() } as World['clients']
  for (const role of roles) {
    clients[role] = await signedInClient(people[role])
    viewers[role] = await viewerOf(people[role])
  }

  const centreBUser = await createTestUser({ organisationId: centreB.id, roles: ['coordinator'] })
  const partnerQUser = await createTestUser({ organisationId: partnerQ.id, roles: ['member', 'admin'] })
  const outsiders = { centreB: await viewerOf(centreBUser), partnerQ: await viewerOf(partnerQUser), partnerQUser }

  const colleagues: World['colleagues'] = {
    centre: (await createTestUser({ organisationId: centreA.id, roles: ['staff'] })).id,
    partner: (await createTestUser({ organisationId: partnerP.id, roles: ['member'] })).id,
    operator: (await createTestUser({ organisationId: operator.id, roles: ['platform_admin'] })).id,
  }
  const otherPerson = (await createTestUser({ organisationId: partnerQ.id, roles: ['member'] })).id

  // Initiatives: A leads one with P taking part; B leads one with Q taking part. Both TLP:AMBER.
  const ownInitiative = await createInitiative(viewers.coordinator, {
    title: `Storefront network ${run}`,
    purpose: 'Take down the payment channels of one storefront network; data used for that only.',
    status: 'active',
    tlp: 'AMBER',
  })
  await inviteParticipants(viewers.coordinator, ownInitiative, [partnerP.id])
  await respondToInvitation(viewers.member, ownInitiative, true)
  const otherInitiative = await createInitiative(outsiders.centreB, {
    title: `Other network ${run}`,
    purpose: 'Centre B works with partner Q only; nobody else may see this.',
    status: 'active',
    tlp: 'AMBER',
  })
  await inviteParticipants(outsiders.centreB, otherInitiative, [partnerQ.id])
  await respondToInvitation(outsiders.partnerQ, otherInitiative, true)

  const ownTask = (
    await createTasks(viewers.staff, {
      title: `Terminate the merchant ${run}`,
      description: 'Test purchase: descriptor SHOP-4471, 49.90 EUR.',
      assigneeOrganisationIds: [partnerP.id],
      priority: 'high',
      tlp: 'AMBER',
      initiativeId: ownInitiative,
    })
  ).ids[0]
  const otherTask = (
    await createTasks(outsiders.centreB, {
      title: `Block the storefront ${run}`,
      assigneeOrganisationIds: [partnerQ.id],
      tlp: 'AMBER',
      initiativeId: otherInitiative,
    })
  ).ids[0]
  if (!ownTask || !otherTask) throw new Error('the tasks were not created')

  const submitted = async (viewer: Viewer, value: string, initiativeId: string) => {
    const result = await submitIndicatorBatch(
      viewer,
      [{ type: 'domain', value, tlp: 'AMBER', reliability: 'B', credibility: '2', context: 'Storefront seen in a test purchase', initiativeId }],
      { source: 'form' },
    )
    const [id] = result.ids
    if (!id || result.rejected.length > 0) throw new Error(`the indicator was refused: ${JSON.stringify(result.rejected)}`)
    return id
  }
  const ownIndicator = await submitted(viewers.member, `shop-${run}.example.com`, ownInitiative)
  const centreIndicator = await submitted(viewers.staff, `centre-${run}.example.net`, ownInitiative)
  const otherIndicator = await submitted(outsiders.partnerQ, `other-${run}.example.org`, otherInitiative)

  const template = (viewer: Viewer, name: string) =>
    createTemplate(viewer, {
      name,
      description: 'Card payment playbook',
      steps: [{ title: 'Resolve the acquirer', description: '', organisationKind: 'card_scheme', priority: 'high', dueInDays: 3 }],
    })
  const ownTemplate = (await template(viewers.coordinator, `Playbook A ${run}`)).id
  const otherTemplate = (await template(outsiders.centreB, `Playbook B ${run}`)).id

  const ownNotifications = {} as World['notifications']['own']
  for (const role of roles) ownNotifications[role] = await notification(people[role], run)
  const otherNotification = await notification(partnerQUser, run)

  const invite = async (organisationId: string, role: Role, label: string) =>
    (
      await invitePerson({
        organisationId,
        email: `${label}-${run}@example.org`,
        name: `Invited ${label}`,
        roles: [role],
        invitedBy: null,
      })
    ).id
  const invitations: World['invitations'] = {
    view: {
      centre: await invite(centreA.id, 'staff', 'view-centre'),
      partner: await invite(partnerP.id, 'member', 'view-partner'),
      operator: await invite(operator.id, 'platform_admin', 'view-operator'),
    },
    revoke: {
      centre: await invite(centreA.id, 'staff', 'revoke-centre'),
      partner: await invite(partnerP.id, 'member', 'revoke-partner'),
      operator: await invite(operator.id, 'platform_admin', 'revoke-operator'),
    },
    other: await invite(partnerQ.id, 'member', 'other-partner'),
  }

  return {
    run,
    organisations: {
      centreA: centreA.id,
      centreB: centreB.id,
      partnerP: partnerP.id,
      partnerQ: partnerQ.id,
      operator: operator.id,
      applied: applied.id,
      appliedToDecide: appliedToDecide.id,
    },
    people,
    viewers,
    clients,
    outsiders,
    colleagues,
    otherPerson,
    tasks: { own: ownTask, other: otherTask },
    initiatives: { own: ownInitiative, other: otherInitiative },
    indicators: { own: ownIndicator, other: otherIndicator },
    submissions: {
      partner: `${ownIndicator}:${partnerP.id}`,
      centre: `${centreIndicator}:${centreA.id}`,
      other: `${otherIndicator}:${partnerQ.id}`,
    },
    templates: { own: ownTemplate, other: otherTemplate },
    notifications: { own: ownNotifications, other: otherNotification },
    invitations,
  }
}

/**
 * The URL pattern a Remix v2 flat-route file answers (`tasks.$taskId.tsx` → `/tasks/:taskId`):
 * dots separate segments, `[.]` is a literal dot, `_index` is the parent's index, a trailing `_`
 * escapes nesting, a leading `_` is a pathless layout, `$name` is a parameter and `$` a splat.
 */
export function urlOfRouteFile(file: string): string {
  const name = file.replace(/\.(tsx|ts|jsx|js)$/, '')
  const segments: string[] = []
  let current = ''
  let bracket = false
  for (const char of name) {
    if (char === '[') bracket = true
    else if (char === ']') bracket = false
    else if (char === '.' && !bracket) {
      segments.push(current)
      current = ''
    } else current += char
  }
  segments.push(current)
  const parts = segments.flatMap((segment) => {
    if (segment === '_index' || (segment.startsWith('_') && segment !== '_')) return []
    const bare = segment.endsWith('_') ? segment.slice(0, -1) : segment
    if (bare === '$') return ['*']
    return [bare.startsWith('$') ? `:${bare.slice(1)}` : bare]
  })
  return `/${parts.join('/')}`
}

/** Fills a URL pattern's parameters (`/tasks/:taskId` + `{ taskId }`); a splat becomes `params['*']`. */
export function fillUrl(pattern: string, params: Record<string, string>): string {
  return pattern
    .split('/')
    .map((part) => {
      if (part === '*') return params['*'] ?? 'anything'
      if (!part.startsWith(':')) return part
      const value = params[part.slice(1)]
      if (value === undefined) throw new Error(`no value for ${part} in ${pattern}`)
      return encodeURIComponent(value)
    })
    .join('/')
}

/** Status of whatever a loader or action produced: a Response (returned or thrown), `data(...)`, or a plain object. */
export function statusOf(result: unknown): number {
  if (result instanceof Response) return result.status
  if (isDataWithInit(result)) return result.init?.status ?? 200
  return 200
}

export function isDataWithInit(value: unknown): value is { type: 'DataWithResponseInit'; data: unknown; init: ResponseInit | null } {
  return typeof value === 'object' && value !== null && 'type' in value && value.type === 'DataWithResponseInit' && 'data' in value
}

export function locationOf(result: unknown): string | null {
  if (result instanceof Response) return result.headers.get('location')
  if (isDataWithInit(result)) return new Headers(result.init?.headers).get('location')
  return null
}
