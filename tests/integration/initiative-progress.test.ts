import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { getViewer } from '~/auth/guards.server'
import type { OrganisationKind } from '~/domain/vocabulary'
import { createInitiative, inviteParticipants, loadInitiative, respondToInvitation } from '~/initiatives/initiatives.server'
import { initiativeProgress, overviewFigures } from '~/initiatives/progress.server'
import type { Viewer } from '~/policy/permissions'
import { createTasks, submitReport, transitionTask, type ReportedAction } from '~/tasks/tasks.server'
import { createTestOrganisation } from '../factories/organisations'
import { createTestUser } from '../factories/users'
import { get, signedInClient } from '../support/requests'

const DAY = 24 * 60 * 60 * 1000
const start = new Date('2030-04-01T09:00:00Z')
const due = new Date('2030-04-15T09:00:00Z')

async function viewerFor(kind: OrganisationKind, roles: ('staff' | 'member')[], legalName: string): Promise<Viewer> {
  const organisation = await createTestOrganisation({ kind, status: 'active', legalName })
  const user = await createTestUser({ organisationId: organisation.id, roles })
  return (await getViewer(get('/', await signedInClient(user)))) as Viewer
}

let centre: Viewer
const partners = {} as Record<'V' | 'M' | 'A' | 'B' | 'I', Viewer>
let initiativeId: string

const report = (type: ReportedAction['type'], quantity = 1): ReportedAction[] => [
  { type, quantity, actionDate: new Date('2030-04-10T12:00:00Z'), reference: 'REF-1' },
]

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(start)
  centre = await viewerFor('national_centre', ['staff'], 'Centre Progress Test')
  partners.V = await viewerFor('card_scheme', ['member'], 'Scheme V')
  partners.M = await viewerFor('card_scheme', ['member'], 'Scheme M')
  partners.A = await viewerFor('acquirer_processor', ['member'], 'Acquirer A')
  partners.B = await viewerFor('acquirer_processor', ['member'], 'Acquirer B')
  partners.I = await viewerFor('isp', ['member'], 'ISP I')
  initiativeId = await createInitiative(centre, {
    title: 'Card payment disruption, spring 2030',
    purpose: 'Cut card acceptance of the storefront network; data used for this disruption only.',
    status: 'active',
    startAt: start,
    targetAt: due,
    objectives: [{ actionType: 'merchant_terminated', target: 20 }],
  })
  await inviteParticipants(centre, initiativeId, Object.values(partners).map((p) => p.organisationId))
  for (const partner of Object.values(partners)) await respondToInvitation(partner, initiativeId, true)

  const counts = { V: 2, M: 2, A: 3, B: 2, I: 1 } as const
  const tasks = {} as Record<keyof typeof counts, string[]>
  for (const [key, count] of Object.entries(counts) as [keyof typeof counts, number][]) {
    tasks[key] = []
    for (let i = 0; i < count; i++) {
      const { ids } = await createTasks(centre, {
        title: `${key} task ${i + 1}`,
        assigneeOrganisationIds: [partners[key].organisationId],
        dueAt: due,
        initiativeId,
      })
      tasks[key].push(ids[0] as string)
    }
  }
  vi.setSystemTime(new Date(due.getTime() - 3 * DAY))
  const work = async (key: keyof typeof counts, index: number, type: ReportedAction['type']) => {
    const id = tasks[key][index] as string
    await transitionTask(partners[key], id, 'acknowledge')
    await submitReport(partners[key], id, report(type))
    await transitionTask(centre, id, 'verify')
  }
  await work('V', 0, 'notice_sent')
  await work('V', 1, 'notice_sent')
  await work('M', 0, 'notice_sent')
  await work('A', 0, 'merchant_terminated')
  await work('A', 1, 'merchant_terminated')
  await transitionTask(partners.A, tasks.A[2] as string, 'notApplicable', { reason: 'No relationship found.' })
  await work('B', 0, 'merchant_terminated')
  // The day after the due date.
  vi.setSystemTime(new Date(due.getTime() + DAY))
})

afterAll(() => {
  vi.useRealTimers()
})

describe('initiative progress', () => {
  test('completion is 70 %, or 60 % with not-applicable excluded', async () => {
    const { initiative } = await loadInitiative(centre, initiativeId)
    const progress = await initiativeProgress(initiative)
    expect(progress.completion).toMatchObject({ done: 7, total: 10, percent: 70, rule: 'includeNotApplicable' })
    const excluded = await initiativeProgress({ ...initiative, excludeNotApplicable: true })
    expect(excluded.completion).toMatchObject({ done: 6, total: 10, percent: 60, rule: 'excludeNotApplicable' })
  })

  test('the overdue list has exactly M, B and I, one day each, with their contact point', async () => {
    const { initiative } = await loadInitiative(centre, initiativeId)
    const { overdue } = await initiativeProgress(initiative)
    expect(overdue.map((o) => [o.organisationName, o.daysOverdue]).sort()).toEqual([
      ['Acquirer B', 1],
      ['ISP I', 1],
      ['Scheme M', 1],
    ])
    expect(overdue.every((o) => o.contact.email.includes('@'))).toBe(true)
  })

  test('merchants terminated is 3 (A 2, B 1) against a target of 20', async () => {
    const { initiative } = await loadInitiative(centre, initiativeId)
    const { kpis } = await initiativeProgress(initiative)
    expect(kpis).toEqual([{ actionType: 'merchant_terminated', target: 20, achieved: 3, percent: 15 }])
  })

  test('per partner: assigned, acknowledged, done, overdue and medians', async () => {
    const { initiative } = await loadInitiative(centre, initiativeId)
    const { partners: rows } = await initiativeProgress(initiative)
    const byName = Object.fromEntries(rows.map((row) => [row.name, row]))
    expect(byName['Scheme V']).toMatchObject({ assigned: 2, acknowledged: 2, done: 2, overdue: 0 })
    expect(byName['Scheme M']).toMatchObject({ assigned: 2, acknowledged: 1, done: 1, overdue: 1 })
    expect(byName['Acquirer A']).toMatchObject({ assigned: 3, acknowledged: 2, done: 3, overdue: 0 })
    expect(byName['Acquirer B']).toMatchObject({ assigned: 2, acknowledged: 1, done: 1, overdue: 1 })
    expect(byName['ISP I']).toMatchObject({ assigned: 1, acknowledged: 0, done: 0, overdue: 1 })
    // Assigned at the start, acknowledged and verified 11 days later.
    expect(byName['Scheme V']?.medianHoursToAcknowledge).toBe(264)
    expect(byName['Scheme V']?.medianHoursToVerified).toBe(264)
    expect(byName['ISP I']?.medianHoursToAcknowledge).toBeNull()
  })

  test('the overview computes the same figures', async () => {
    const { initiative } = await loadInitiative(centre, initiativeId)
    const detail = await initiativeProgress(initiative)
    const overview = (await overviewFigures([initiative])).get(initiativeId)
    expect(overview?.completion).toEqual(detail.completion)
    expect(overview?.kpis).toEqual(detail.kpis)
    expect(overview?.overdue).toBe(detail.overdue.length)
    expect(overview?.suggestedHealth).toBe(detail.suggestedHealth)
  })

  test('an organisation that is not part of the initiative cannot open it', async () => {
    const outsider = await viewerFor('bank', ['member'], 'Outsider Bank')
    await expect(loadInitiative(outsider, initiativeId)).rejects.toMatchObject({ code: 'notFound' })
  })
})
