import { randomBytes } from 'node:crypto'
import mongoose from 'mongoose'
import { beforeAll, describe, expect, test } from 'vitest'
import { getViewer } from '~/auth/guards.server'
import { tlpLabels, type TlpLabel } from '~/domain/vocabulary'
import { exportIndicators } from '~/indicators/export.server'
import { linkIndicatorToTask, retractSubmission } from '~/indicators/indicators.server'
import { submitIndicatorBatch } from '~/indicators/submit.server'
import { createInitiative, inviteParticipants, respondToInvitation } from '~/initiatives/initiatives.server'
import { listNotifications } from '~/notifications/notifications.server'
import { submissionSideFor, visibleSubmissionFilter } from '~/policy/access.server'
import { loader as detailLoader } from '~/routes/indicators.$indicatorId'
import { loader as listLoader } from '~/routes/indicators._index'
import { createTasks } from '~/tasks/tasks.server'
import { createTestUser } from '../factories/users'
import { call, get, routeArgs, signedInClient } from '../support/requests'
import { body, collection, member } from './partners-support'

/**
 * The TLP matrix of indicators: every label × every kind of viewer × every path that could show a
 * submission (list, search, detail, statements, "also seen by" count, CSV and STIX exports, and the
 * notification of a retraction). One submitter (a partner taking part in the
 * centre's initiative) labels one value per label; the centre puts them on a task for another
 * partner. Each cell is checked against the table in DESIGN.md; the test reports every mismatch.
 */

type Member = Awaited<ReturnType<typeof member>>
type Person = Pick<Member, 'client' | 'viewer'>

const run = randomBytes(4).toString('hex')
const slug = (label: TlpLabel) => label.replace('+', '-').toLowerCase()
const aloneValue = (label: TlpLabel) => `alone-${slug(label)}-${run}.example.com`
const sharedValue = (label: TlpLabel) => `shared-${slug(label)}-${run}.example.com`

const viewers = ['ownerCentre', 'assignee', 'participant', 'otherActive', 'probation', 'redRecipient', 'recipientColleague'] as const
type ViewerName = (typeof viewers)[number]

/** Expected visibility of the source's submission, from the DESIGN table and the issue's rules. */
const expected: Record<ViewerName, Record<TlpLabel, boolean>> = {
  // Owning centre of the task and lead centre of the initiative.
  ownerCentre: { CLEAR: true, GREEN: true, AMBER: true, 'AMBER+STRICT': true, RED: false },
  // Assigned the task that carries the indicators.
  assignee: { CLEAR: true, GREEN: true, AMBER: true, 'AMBER+STRICT': false, RED: false },
  // Takes part in the submission's initiative: AMBER yes, AMBER+STRICT no.
  participant: { CLEAR: true, GREEN: true, AMBER: true, 'AMBER+STRICT': false, RED: false },
  otherActive: { CLEAR: true, GREEN: true, AMBER: false, 'AMBER+STRICT': false, RED: false },
  probation: { CLEAR: true, GREEN: false, AMBER: false, 'AMBER+STRICT': false, RED: false },
  redRecipient: { CLEAR: true, GREEN: true, AMBER: false, 'AMBER+STRICT': false, RED: true },
  recipientColleague: { CLEAR: true, GREEN: true, AMBER: false, 'AMBER+STRICT': false, RED: false },
}

let source: Member
let people: Record<ViewerName, Person>
const aloneIds = new Map<TlpLabel, string>()
const sharedIds = new Map<TlpLabel, string>()

beforeAll(async () => {
  const centre = await member({ kind: 'national_centre' })
  source = await member({ kind: 'bank' })
  const neutral = await member({ kind: 'hotline_ngo' })
  const assignee = await member({ kind: 'acquirer_processor' })
  const participant = await member({ kind: 'payment_service' })
  const otherActive = await member({ kind: 'isp' })
  const probation = await member({ kind: 'crypto_exchange', status: 'probation' })
  const recipient = await member({ kind: 'card_scheme' })
  const colleagueUser = await createTestUser({ organisationId: recipient.organisation.id, roles: ['member'] })
  const colleagueClient = await signedInClient(colleagueUser)
  const colleagueViewer = await getViewer(get('/', colleagueClient))
  if (!colleagueViewer) throw new Error('the colleague could not be signed in')
  const colleague = { client: colleagueClient, viewer: colleagueViewer }

  const initiative = await createInitiative(centre.viewer, {
    title: 'Storefront network Q',
    purpose: 'Take the payment channels of network Q down; data used for that only.',
    status: 'active',
  })
  await inviteParticipants(centre.viewer, initiative, [participant.organisation.id, source.organisation.id])
  await respondToInvitation(participant.viewer, initiative, true)
  await respondToInvitation(source.viewer, initiative, true)

  const rows = tlpLabels.flatMap((tlp) =>
    [aloneValue(tlp), sharedValue(tlp)].map((value) => ({
      type: 'domain',
      value,
      tlp,
      reliability: 'B',
      credibility: '2',
      initiativeId: initiative,
      redRecipientIds: tlp === 'RED' ? [recipient.user.id] : undefined,
    })),
  )
  const submitted = await submitIndicatorBatch(source.viewer, rows, { source: 'api' })
  expect(submitted.rejected).toEqual([])
  tlpLabels.forEach((tlp, index) => {
    aloneIds.set(tlp, submitted.ids[index * 2] ?? '')
    sharedIds.set(tlp, submitted.ids[index * 2 + 1] ?? '')
  })
  // A CLEAR statement about each shared value by a third organisation: everyone can open those.
  const neutralRows = tlpLabels.map((tlp) => ({ type: 'domain', value: sharedValue(tlp), tlp: 'CLEAR', reliability: 'C', credibility: '3' }))
  expect((await submitIndicatorBatch(neutral.viewer, neutralRows, { source: 'api' })).rejected).toEqual([])

  const { ids } = await createTasks(centre.viewer, { title: 'Terminate the merchants of network Q', assigneeOrganisationIds: [assignee.organisation.id], tlp: 'AMBER' })
  const taskId = ids[0] ?? ''
  for (const tlp of tlpLabels) {
    for (const id of [aloneIds.get(tlp) ?? '', sharedIds.get(tlp) ?? '']) {
      if (tlp === 'RED') {
        // The centre may not see the RED ones, so it cannot link them; put them on the task anyway to
        // prove that a task never widens TLP:RED.
        await collection('tasks').updateOne({ _id: new mongoose.Types.ObjectId(taskId) }, { $addToSet: { indicatorIds: id } })
      } else {
        expect(await linkIndicatorToTask(centre.viewer, taskId, id)).toEqual({ linked: true })
      }
    }
  }

  people = { ownerCentre: centre, assignee, participant, otherActive, probation, redRecipient: recipient, recipientColleague: colleague }
})

async function listedIds(who: Person, query: string) {
  const ids = new Set<string>()
  let after: string | null = null
  let pages = 0
  do {
    const search = new URLSearchParams(query)
    if (after) search.set('after', after)
    const page = body(await call(() => listLoader(routeArgs(get(`/indicators?${search}`, who.client)))))
    for (const row of page.list.rows) ids.add(row.indicatorId)
    after = page.list.next
  } while (after && ++pages < 50)
  return ids
}

async function openDetail(who: Person, id: string) {
  return call(() => detailLoader(routeArgs(get(`/indicators/${id}`, who.client), { indicatorId: id })))
}

describe('the TLP matrix of indicators', () => {
  test('every label × viewer × path matches the table (0 mismatches)', async () => {
    const mismatches: string[] = []
    const cells: string[] = []
    const check = (path: string, viewer: ViewerName, tlp: TlpLabel, actual: boolean) => {
      cells.push(`${path}/${viewer}/${tlp}`)
      if (actual !== expected[viewer][tlp]) mismatches.push(`${path}: ${viewer} ${actual ? 'sees' : 'does not see'} ${tlp}`)
    }
    for (const viewer of viewers) {
      const who = people[viewer]
      for (const tlp of tlpLabels) {
        const alone = aloneIds.get(tlp) ?? ''
        const shared = sharedIds.get(tlp) ?? ''

        // List: the source's submissions with this label, every page.
        check('list', viewer, tlp, (await listedIds(who, `tlp=${encodeURIComponent(tlp)}`)).has(alone))

        // Search by exact value (written differently: the search normalises it).
        check('search', viewer, tlp, (await listedIds(who, `q=${encodeURIComponent(`  ${aloneValue(tlp).toUpperCase()} `)}`)).has(alone))

        // Detail: the page exists for the viewer, or answers 404 like an unknown value.
        const detail = await openDetail(who, alone)
        if (detail instanceof Response && detail.status !== 404) throw new Error(`unexpected ${detail.status}`)
        check('detail', viewer, tlp, !(detail instanceof Response))

        // Count and hint: on a value everyone may open, "also seen by" and the statements show the
        // source only when its submission is visible.
        const page = body(await openDetail(who, shared))
        if (page.page.state !== 'open') throw new Error('expected the detail of a business value')
        const shown = page.page.detail.submissions.some((submission) => submission.sourceName === source.viewer.organisationName)
        check('statements', viewer, tlp, shown)
        check('alsoSeenBy', viewer, tlp, page.page.detail.alsoSeenBy === 2)
        if (page.page.detail.alsoSeenBy !== (expected[viewer][tlp] ? 2 : 1)) mismatches.push(`alsoSeenBy count for ${viewer}/${tlp}: ${page.page.detail.alsoSeenBy}`)
      }
    }

    // Exports: CSV (by indicator id) and STIX (by the value in the pattern), each as the viewer would download it.
    for (const viewer of viewers) {
      const who = people[viewer].viewer
      const csv = await exportIndicators(who, { format: 'csv', purpose: 'investigation' })
      const stix = await exportIndicators(who, { format: 'stix', purpose: 'investigation' })
      const csvIds = new Set(csv.body.split(/\r?\n/).map((line) => line.split(',')[0]))
      for (const tlp of tlpLabels) {
        check('exportCsv', viewer, tlp, csvIds.has(aloneIds.get(tlp) ?? ''))
        check('exportStix', viewer, tlp, stix.body.includes(`'${aloneValue(tlp)}'`))
      }
    }

    // Notification: every viewer's organisation had received each value (a sighting of it, recorded
    // before its labels were set), then the source retracts one label at a time; only those who may
    // see the retracted statement hear of it.
    const viewerOrganisations = [...new Set(viewers.map((viewer) => people[viewer].viewer.organisationId))]
    await collection('sightings').insertMany(
      [...aloneIds.values()].flatMap((indicatorId) =>
        viewerOrganisations.map((organisationId) => ({
          indicatorId,
          organisationId: new mongoose.Types.ObjectId(organisationId),
          kind: 'seen',
          at: new Date(Date.now() - 86_400_000),
          count: 1,
          tlp: 'AMBER',
          createdAt: new Date(),
        })),
      ),
    )
    const heard = async (viewer: ViewerName) =>
      (await listNotifications(people[viewer].viewer, { show: 'all' })).notifications.filter((n) => n.event === 'indicator_retracted').length
    for (const tlp of tlpLabels) {
      const before = new Map<ViewerName, number>()
      for (const viewer of viewers) before.set(viewer, await heard(viewer))
      await retractSubmission(source.viewer, aloneIds.get(tlp) ?? '', { reason: `Withdrawn for the ${tlp} test` })
      for (const viewer of viewers) check('notification', viewer, tlp, (await heard(viewer)) > (before.get(viewer) ?? 0))
    }

    const paths = new Set(cells.map((cell) => cell.split('/')[0]))
    expect([...paths]).toEqual(['list', 'search', 'detail', 'statements', 'alsoSeenBy', 'exportCsv', 'exportStix', 'notification'])
    expect(cells).toHaveLength(viewers.length * tlpLabels.length * paths.size)
    console.info(`indicator TLP matrix: ${tlpLabels.length} labels × ${viewers.length} viewers × ${paths.size} paths = ${cells.length} cells, ${mismatches.length} mismatches`)
    expect(mismatches).toEqual([])
  })

  test('AMBER and AMBER+STRICT differ for the organisation taking part in the initiative', async () => {
    const who = people.participant
    expect(await openDetail(who, aloneIds.get('AMBER') ?? '')).not.toBeInstanceOf(Response)
    const strict = await openDetail(who, aloneIds.get('AMBER+STRICT') ?? '')
    expect(strict).toBeInstanceOf(Response)
    expect((strict as Response).status).toBe(404)
  })

  test('the filter of the lists and the function of the detail agree, submission by submission', async () => {
    const submissions = await collection('indicatorsubmissions')
      .find({ indicatorId: { $in: [...aloneIds.values(), ...sharedIds.values()] } })
      .toArray()
    expect(submissions.length).toBe(tlpLabels.length * 3)
    for (const viewer of viewers) {
      const who = people[viewer].viewer
      const filter: Record<string, unknown> = await visibleSubmissionFilter(who)
      const listed = new Set(
        (
          await collection('indicatorsubmissions')
            .find({ $and: [{ _id: { $in: submissions.map((s) => s._id) } }, filter] })
            .toArray()
        ).map((s) => String(s._id)),
      )
      for (const submission of submissions) {
        const tlp = tlpLabels.find((label) => label === submission.tlp)
        if (!tlp) throw new Error(`unexpected label ${String(submission.tlp)}`)
        const initiative = await collection('initiatives').findOne({ _id: submission.initiativeId })
        const tasks = await collection('tasks').find({ indicatorIds: submission.indicatorId }).toArray()
        const sourceIsCentre = false
        const facts = {
          initiativeOrganisationIds: initiative ? [String(initiative.leadCentreId), ...(initiative.participantIds ?? []).map(String)] : [],
          taskOrganisationIds: tasks.flatMap((task) => [String(task.assigneeOrganisationId), ...(sourceIsCentre ? [] : [String(task.ownerCentreId)])]),
          initiativeLeadCentreId: initiative ? String(initiative.leadCentreId) : null,
        }
        const decided = submissionSideFor(who, { organisationId: submission.organisationId, submittedBy: submission.submittedBy, tlp, redRecipientIds: submission.redRecipientIds }, facts)
        expect({ viewer, tlp, listed: listed.has(String(submission._id)) }).toEqual({ viewer, tlp, listed: decided })
      }
    }
  })

  test('the operator and a DPO without a working role are refused the pages: 403 for every value alike', async () => {
    const operator = await member({ kind: 'other', isOperator: true })
    const dpoUser = await createTestUser({ organisationId: people.ownerCentre.viewer.organisationId, roles: ['dpo'] })
    const dpo = { client: await signedInClient(dpoUser) }
    for (const who of [operator, dpo]) {
      const listed = await call(() => listLoader(routeArgs(get('/indicators', who.client))))
      expect(listed instanceof Response ? listed.status : 200).toBe(403)
      for (const id of [aloneIds.get('CLEAR') ?? '', '0'.repeat(64)]) {
        const detail = await call(() => detailLoader(routeArgs(get(`/indicators/${id}`, who.client), { indicatorId: id })))
        expect(detail instanceof Response ? detail.status : 200).toBe(403)
      }
    }
    const nothing: Record<string, unknown> = await visibleSubmissionFilter(operator.viewer)
    expect(await collection('indicatorsubmissions').countDocuments(nothing)).toBe(0)
  })

  test('an unknown value, a malformed id and a hidden value answer alike', async () => {
    const who = people.otherActive
    const statuses = await Promise.all(
      ['0'.repeat(64), 'not-an-id', aloneIds.get('AMBER') ?? ''].map(async (id) => {
        const result = await openDetail(who, id)
        return result instanceof Response ? result.status : 200
      }),
    )
    expect(statuses).toEqual([404, 404, 404])
  })
})
