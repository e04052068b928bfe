import { beforeAll, describe, expect, test } from 'vitest'
import type { Role } from '~/domain/vocabulary'
import { designateOperator } from '~/platform/operator.server'
import { loader as accountLoader } from '~/routes/account'
import { action as auditExportAction } from '~/routes/audit.export'
import { loader as auditLoader } from '~/routes/audit._index'
import { loader as demoMailboxLoader } from '~/routes/demo.mailbox'
import { loader as homeLoader } from '~/routes/home'
import { action as partnerAction, loader as partnerLoader } from '~/routes/partners.$organisationId'
import { loader as directoryLoader } from '~/routes/partners._index'
import { action as personAction, loader as personLoader } from '~/routes/people.$userId'
import { loader as peopleLoader } from '~/routes/people._index'
import { action as inviteAction } from '~/routes/people.invite'
import { action as vettingAction, loader as vettingLoader } from '~/routes/vetting.$organisationId'
import { loader as queueLoader } from '~/routes/vetting._index'
import { createTestOrganisation } from '../factories/organisations'
import { createTestUser } from '../factories/users'
import { anonymousClient, call, get, post, routeArgs, signedInClient, type Client } from '../support/requests'

type Outcome = 'ok' | 'login' | 403 | 404
type Who = 'anonymous' | 'staff' | 'coordinator' | 'dpo' | 'member' | 'admin' | 'platform_admin'
const everyone: Who[] = ['anonymous', 'staff', 'coordinator', 'dpo', 'member', 'admin', 'platform_admin']

const clients = {} as Record<Who, Client>
const ids = {} as {
  centre: string
  partner: string
  otherPartner: string
  applied: string
  ownPerson: Record<Who, string>
  otherPartnerPerson: string
}

async function outcomeOf(run: () => Promise<unknown>): Promise<Outcome | number> {
  const result = await call(run)
  if (result instanceof Response) {
    if (result.status === 302 && result.headers.get('location')?.startsWith('/login')) return 'login'
    if (result.status === 403 || result.status === 404) return result.status
    return result.status < 400 ? 'ok' : result.status
  }
  const init = (result as { init?: ResponseInit | null } | null)?.init
  if (init?.status === 403 || init?.status === 404) return init.status
  return 'ok'
}

beforeAll(async () => {
  const centre = await createTestOrganisation({ kind: 'national_centre', status: 'active' })
  const partner = await createTestOrganisation({ kind: 'bank', status: 'active' })
  const otherPartner = await createTestOrganisation({ kind: 'isp', status: 'active' })
  const operator = await createTestOrganisation({ kind: 'other', status: 'active' })
  await designateOperator(operator.id)
  const applied = await createTestOrganisation({ kind: 'payment_service', status: 'applied' })
  const orgOf: Record<Exclude<Who, 'anonymous'>, string> = {
    staff: centre.id,
    coordinator: centre.id,
    dpo: centre.id,
    member: partner.id,
    admin: partner.id,
    platform_admin: operator.id,
  }
  const ownPerson = {} as Record<Who, string>
  clients.anonymous = await anonymousClient()
  for (const who of everyone.filter((w): w is Exclude<Who, 'anonymous'> => w !== 'anonymous')) {
    const user = await createTestUser({ organisationId: orgOf[who], roles: [who as Role] })
    clients[who] = await signedInClient(user)
    ownPerson[who] = (await createTestUser({ organisationId: orgOf[who], roles: [who === 'platform_admin' ? 'platform_admin' : who as Role] })).id
  }
  const otherPartnerPerson = (await createTestUser({ organisationId: otherPartner.id, roles: ['member'] })).id
  Object.assign(ids, { centre: centre.id, partner: partner.id, otherPartner: otherPartner.id, applied: applied.id, ownPerson, otherPartnerPerson })
})

/** Expected answer for each kind of person; "own" objects belong to the person's organisation. */
const pages: { name: string; run: (who: Who) => Promise<unknown>; expect: Record<Who, Outcome> }[] = [
  {
    name: 'GET /home',
    run: (who) => homeLoader(routeArgs(get('/home', clients[who]))),
    expect: { anonymous: 'login', staff: 'ok', coordinator: 'ok', dpo: 'ok', member: 'ok', admin: 'ok', platform_admin: 'ok' },
  },
  {
    name: 'GET /account',
    run: (who) => accountLoader(routeArgs(get('/account', clients[who]))),
    expect: { anonymous: 'login', staff: 'ok', coordinator: 'ok', dpo: 'ok', member: 'ok', admin: 'ok', platform_admin: 'ok' },
  },
  {
    name: 'GET /partners',
    run: (who) => directoryLoader(routeArgs(get('/partners', clients[who]))),
    expect: { anonymous: 'login', staff: 'ok', coordinator: 'ok', dpo: 'ok', member: 'ok', admin: 'ok', platform_admin: 'ok' },
  },
  {
    name: 'GET /partners/:another active partner',
    run: (who) => partnerLoader(routeArgs(get(`/partners/${ids.otherPartner}`, clients[who]), { organisationId: ids.otherPartner })),
    expect: { anonymous: 'login', staff: 'ok', coordinator: 'ok', dpo: 'ok', member: 'ok', admin: 'ok', platform_admin: 'ok' },
  },
  {
    name: 'GET /partners/:an applicant (only the vetting queue shows it)',
    run: (who) => partnerLoader(routeArgs(get(`/partners/${ids.applied}`, clients[who]), { organisationId: ids.applied })),
    expect: { anonymous: 'login', staff: 404, coordinator: 404, dpo: 404, member: 404, admin: 404, platform_admin: 404 },
  },
  {
    name: 'GET /vetting',
    run: (who) => queueLoader(routeArgs(get('/vetting', clients[who]))),
    expect: { anonymous: 'login', staff: 403, coordinator: 'ok', dpo: 403, member: 403, admin: 403, platform_admin: 403 },
  },
  {
    name: 'GET /vetting/:application',
    run: (who) => vettingLoader(routeArgs(get(`/vetting/${ids.applied}`, clients[who]), { organisationId: ids.applied })),
    expect: { anonymous: 'login', staff: 403, coordinator: 'ok', dpo: 403, member: 403, admin: 403, platform_admin: 403 },
  },
  {
    name: 'GET /people',
    run: (who) => peopleLoader(routeArgs(get('/people', clients[who]))),
    expect: { anonymous: 'login', staff: 403, coordinator: 'ok', dpo: 403, member: 403, admin: 'ok', platform_admin: 403 },
  },
  {
    name: 'GET /people/:a person of the own organisation',
    run: (who) => personLoader(routeArgs(get(`/people/${ids.ownPerson[who]}`, clients[who]), { userId: ids.ownPerson[who] ?? 'x' })),
    expect: { anonymous: 'login', staff: 403, coordinator: 'ok', dpo: 403, member: 403, admin: 'ok', platform_admin: 403 },
  },
  {
    name: 'GET /people/:a person of another organisation',
    run: (who) => personLoader(routeArgs(get(`/people/${ids.otherPartnerPerson}`, clients[who]), { userId: ids.otherPartnerPerson })),
    expect: { anonymous: 'login', staff: 403, coordinator: 404, dpo: 403, member: 403, admin: 404, platform_admin: 403 },
  },
  {
    name: 'GET /audit',
    run: (who) => auditLoader(routeArgs(get('/audit', clients[who]))),
    expect: { anonymous: 'login', staff: 403, coordinator: 403, dpo: 'ok', member: 403, admin: 403, platform_admin: 'ok' },
  },
  {
    name: 'GET /demo/mailbox outside the demo',
    run: (who) => demoMailboxLoader(routeArgs(get('/demo/mailbox', clients[who]))),
    expect: { anonymous: 404, staff: 404, coordinator: 404, dpo: 404, member: 404, admin: 404, platform_admin: 404 },
  },
]

/** Form actions, sent with valid anti-forgery tokens so that only the policy decides. */
const actions: typeof pages = [
  {
    name: 'POST /vetting/:application (reject)',
    run: (who) =>
      vettingAction(
        routeArgs(post(`/vetting/${ids.applied}`, clients[who], { intent: 'reject', reason: '' }), { organisationId: ids.applied }),
      ),
    // The coordinator reaches validation (400 for the empty reason): allowed past the policy.
    expect: { anonymous: 'login', staff: 403, coordinator: 'ok', dpo: 403, member: 403, admin: 403, platform_admin: 403 },
  },
  {
    name: 'POST /partners/:another partner (suspend)',
    run: (who) =>
      partnerAction(
        routeArgs(post(`/partners/${ids.otherPartner}`, clients[who], { intent: 'suspend', reason: '' }), { organisationId: ids.otherPartner }),
      ),
    expect: { anonymous: 'login', staff: 403, coordinator: 'ok', dpo: 403, member: 403, admin: 403, platform_admin: 403 },
  },
  {
    name: 'POST /people/invite',
    run: (who) => inviteAction(routeArgs(post('/people/invite', clients[who], { name: '', email: '' }))),
    expect: { anonymous: 'login', staff: 403, coordinator: 'ok', dpo: 403, member: 403, admin: 'ok', platform_admin: 403 },
  },
  {
    name: 'POST /people/:a person of another organisation (deactivate)',
    run: (who) =>
      personAction(
        routeArgs(post(`/people/${ids.otherPartnerPerson}`, clients[who], { intent: 'deactivate', confirm: 'yes' }), {
          userId: ids.otherPartnerPerson,
        }),
      ),
    expect: { anonymous: 'login', staff: 403, coordinator: 404, dpo: 403, member: 403, admin: 404, platform_admin: 403 },
  },
  {
    name: 'POST /audit/export',
    run: (who) => auditExportAction(routeArgs(post('/audit/export', clients[who], { purpose: '' }))),
    expect: { anonymous: 'login', staff: 403, coordinator: 403, dpo: 'ok', member: 403, admin: 403, platform_admin: 'ok' },
  },
]

describe.each([...pages, ...actions])('$name', ({ run, expect: expected }) => {
  test.each(everyone)('%s', async (who) => {
    expect(await outcomeOf(() => run(who))).toBe(expected[who])
  })
})
