import { describe, expect, test } from 'vitest'
import { taskStatuses, type TaskStatus } from '~/domain/vocabulary'
import en from '~/locales/en/task.json'
import { canTransition, taskTransitions, type TaskTransition } from '~/tasks/lifecycle'
import { submitReport, TaskError, transitionTask } from '~/tasks/tasks.server'
import {
  centreAndPartner,
  collection,
  createTask,
  daysAgo,
  forceStatus,
  member,
  notificationsOf,
  openTask,
  postTask,
  refusal,
  storedTask,
  taskPage,
  CARD_NUMBER,
} from './task-detail-support'

const transitions = Object.keys(taskTransitions) as TaskTransition[]
const reportRow = { 'actions.0.type': 'merchant_investigated', 'actions.0.quantity': '1', 'actions.0.actionDate': daysAgo(1) }

async function refusedWith(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  )
  expect(error).toBeInstanceOf(TaskError)
  return error as TaskError
}

describe('illegal transitions', () => {
  test('the lifecycle table leaves illegal pairs to check', () => {
    const illegal = taskStatuses.flatMap((status) => transitions.filter((transition) => !canTransition(status, transition)))
    expect(illegal.length).toBeGreaterThan(80)
  })

  test.each(taskStatuses)('from %s, every transition the lifecycle forbids is refused, naming the current state', async (status: TaskStatus) => {
    const { centre, partner } = await centreAndPartner()
    const id = await createTask(centre, partner.organisation.id)
    await forceStatus(id, status)
    const refusedHere = transitions.filter((transition) => !canTransition(status, transition))
    expect(refusedHere.length).toBeGreaterThan(0)

    for (const transition of refusedHere) {
      const side = taskTransitions[transition].side
      const actor = side === 'centre' ? centre : partner
      const attempt =
        transition === 'report'
          ? submitReport(actor.viewer, id, [{ type: 'merchant_investigated', quantity: 1, actionDate: new Date() }])
          : transitionTask(actor.viewer, id, transition, { reason: 'A reason, in case one is needed' })
      const error = await refusedWith(attempt)
      if (status === 'draft' && side === 'partner') {
        // The partner cannot even see a draft: the refusal is that there is nothing there.
        expect(error.code, `${transition} from ${status}`).toBe('notFound')
        expect((await postTask(actor.client, id, { intent: 'transition', transition: 'acknowledge' })).status).toBe(404)
        continue
      }
      expect(error.code, `${transition} from ${status}`).toBe('illegalTransition')
      expect(error.status).toBe(status)

      // The page answers 409 and names the state the task is in now.
      const fields: Record<string, string> =
        transition === 'report'
          ? { intent: 'report', ...reportRow }
          : { intent: 'transition', transition, reason: 'A reason, in case one is needed', confirm: 'on' }
      const result = await postTask(actor.client, id, fields)
      expect(result.status, `${transition} from ${status} through the page`).toBe(409)
      expect(refusal(result).message).toContain(`“${en.statuses[status]}”`)
    }
    expect(await storedTask(id)).toMatchObject({ status })
    expect(await collection('actionreports').countDocuments({ taskId: (await storedTask(id))?._id })).toBe(0)
  })
})

describe('sides', () => {
  test('each side is refused the other side’s steps (403), and the page never offers them', async () => {
    const { centre, partner } = await centreAndPartner()
    const id = await createTask(centre, partner.organisation.id)

    const partnerView = await taskPage(partner.client, id)
    expect(partnerView.task.transitions.every((transition) => taskTransitions[transition].side === 'partner')).toBe(true)
    expect(partnerView.task.transitions).toEqual(expect.arrayContaining(['acknowledge', 'decline', 'notApplicable']))
    const centreView = await taskPage(centre.client, id)
    expect(centreView.task.transitions).toEqual(['cancel'])
    expect(centreView.task.canReport).toBe(false)

    for (const status of taskStatuses.filter((s) => s !== 'draft')) {
      await forceStatus(id, status)
      for (const transition of transitions.filter((t) => canTransition(status, t))) {
        const wrong = taskTransitions[transition].side === 'centre' ? partner : centre
        const error = await refusedWith(
          transition === 'report'
            ? submitReport(wrong.viewer, id, [{ type: 'other', quantity: 1, actionDate: new Date() }])
            : transitionTask(wrong.viewer, id, transition, { reason: 'reason' }),
        )
        expect(error.code, `${transition} from ${status} by the wrong side`).toBe('forbidden')
        const result =
          transition === 'report'
            ? await postTask(wrong.client, id, { intent: 'report', ...reportRow })
            : await postTask(wrong.client, id, { intent: 'transition', transition, reason: 'reason', confirm: 'on' })
        expect(result.status, `${transition} from ${status} by the wrong side, through the page`).toBe(403)
      }
      expect(await storedTask(id)).toMatchObject({ status })
    }
  })

  test('an organisation that only reads the task (TLP:GREEN) may do nothing on it', async () => {
    const { centre, partner } = await centreAndPartner()
    const reader = await member({ kind: 'bank' })
    const id = await createTask(centre, partner.organisation.id, { tlp: 'GREEN' })
    const view = await taskPage(reader.client, id)
    expect(view.task.side).toBe('observer')
    expect(view.task.transitions).toEqual([])
    expect(view.task.canReport).toBe(false)
    expect(view.task.canComment).toBe(false)
    for (const transition of ['acknowledge', 'decline', 'cancel'] as const) {
      expect((await postTask(reader.client, id, { intent: 'transition', transition, reason: 'reason', confirm: 'on' })).status).toBe(403)
    }
    expect((await postTask(reader.client, id, { intent: 'report', ...reportRow })).status).toBe(403)
    expect((await postTask(reader.client, id, { intent: 'comment', body: 'Hello' })).status).toBe(403)
    expect(await storedTask(id)).toMatchObject({ status: 'assigned' })
  })
})

describe('steps that need words', () => {
  test('decline, not applicable and return need a reason (400); the form keeps what was typed', async () => {
    const { centre, partner } = await centreAndPartner()
    const id = await createTask(centre, partner.organisation.id)

    for (const transition of ['decline', 'notApplicable'] as const) {
      const result = await postTask(partner.client, id, { intent: 'transition', transition, reason: '   ' })
      expect(result.status).toBe(400)
      expect(refusal(result)).toMatchObject({ transition, errors: { reason: ['required'] } })
      expect(await refusedWith(transitionTask(partner.viewer, id, transition))).toMatchObject({ code: 'reasonRequired' })
    }
    const withCard = await postTask(partner.client, id, { intent: 'transition', transition: 'decline', reason: `Card ${CARD_NUMBER} is not ours` })
    expect(withCard.status).toBe(400)
    expect(refusal(withCard)).toMatchObject({ errors: { reason: ['cardNumber'] }, values: { reason: `Card ${CARD_NUMBER} is not ours` } })
    expect(await storedTask(id)).toMatchObject({ status: 'assigned' })

    await forceStatus(id, 'reported')
    const noComment = await postTask(centre.client, id, { intent: 'transition', transition: 'return', reason: '' })
    expect(noComment.status).toBe(400)
    expect(refusal(noComment).errors).toEqual({ reason: ['required'] })
    expect(await storedTask(id)).toMatchObject({ status: 'reported' })
  })

  test('cancelling takes a confirmation step; without the confirmation nothing changes', async () => {
    const { centre, partner } = await centreAndPartner()
    const id = await createTask(centre, partner.organisation.id)

    expect((await taskPage(centre.client, id)).confirming).toBeNull()
    expect((await taskPage(centre.client, id, '?confirm=cancel')).confirming).toBe('cancel')
    // The partner is never offered the step, whatever the address says.
    expect((await taskPage(partner.client, id, '?confirm=cancel')).confirming).toBeNull()

    const unconfirmed = await postTask(centre.client, id, { intent: 'transition', transition: 'cancel', reason: 'Duplicate of another task' })
    expect(unconfirmed.status).toBe(400)
    expect(refusal(unconfirmed)).toMatchObject({ errors: { confirm: ['confirmCancel'] }, values: { reason: 'Duplicate of another task' } })
    expect(await storedTask(id)).toMatchObject({ status: 'assigned' })

    const confirmed = await postTask(centre.client, id, { intent: 'transition', transition: 'cancel', reason: 'Duplicate of another task', confirm: 'on' })
    expect(confirmed).toMatchObject({ status: 302, location: `/tasks/${id}` })
    const page = await taskPage(partner.client, id)
    expect(page.task.status).toBe('cancelled')
    expect(page.task.transitions).toEqual([])
    expect(page.task.timeline.at(-1)).toMatchObject({ transition: 'cancel', from: 'assigned', to: 'cancelled', actorSide: 'centre', reason: 'Duplicate of another task' })
  })

  test('a declined task goes to another organisation; the first one loses sight of it', async () => {
    const { centre, partner } = await centreAndPartner()
    const second = await member({ kind: 'payment_service' })
    const id = await createTask(centre, partner.organisation.id, { assigneeUserId: partner.user.id })
    expect((await taskPage(centre.client, id)).task.assignee.personName).toBe(partner.user.name)

    const declined = await postTask(partner.client, id, { intent: 'transition', transition: 'decline', reason: 'No relationship with this merchant.' })
    expect(declined.status).toBe(302)
    const centreView = await taskPage(centre.client, id)
    expect(centreView.task.status).toBe('declined')
    expect(centreView.task.transitions).toEqual(['assign', 'cancel'])
    const options = centreView.task.reassignOptions.map((option) => option.id)
    expect(options).toContain(second.organisation.id)
    expect(options).not.toContain(partner.organisation.id)
    expect(options).not.toContain(centre.organisation.id)
    expect(centreView.task.timeline.at(-1)).toMatchObject({ transition: 'decline', actorName: partner.user.name, reason: 'No relationship with this merchant.' })

    const unchosen = await postTask(centre.client, id, { intent: 'transition', transition: 'assign', reassign: '1', assigneeOrganisationId: '' })
    expect(unchosen.status).toBe(400)
    expect(refusal(unchosen).errors).toEqual({ assigneeOrganisationId: ['required'] })
    const ownCentre = await postTask(centre.client, id, { intent: 'transition', transition: 'assign', reassign: '1', assigneeOrganisationId: centre.organisation.id })
    expect(ownCentre.status).toBe(400)
    expect(refusal(ownCentre).errors).toEqual({ assigneeOrganisationId: ['invalidAssignee'] })

    // The refused choice did not spend the step: the real reassignment goes through.
    const reassigned = await postTask(centre.client, id, { intent: 'transition', transition: 'assign', reassign: '1', assigneeOrganisationId: second.organisation.id })
    expect(reassigned.status).toBe(302)
    expect(await storedTask(id)).toMatchObject({ status: 'assigned' })
    expect(String((await storedTask(id))?.assigneeOrganisationId)).toBe(second.organisation.id)
    // The person named in the first organisation is no longer the assignee.
    expect((await storedTask(id))?.assigneeUserId).toBeUndefined()

    expect((await openTask(partner.client, id)) as Response).toHaveProperty('status', 404)
    const secondView = await taskPage(second.client, id)
    expect(secondView.task.side).toBe('partner')
    // The first organisation's decline is in the history, without its name or its reason.
    const decline = secondView.task.timeline.find((item) => item.transition === 'decline')
    expect(decline).toMatchObject({ actorSide: 'other', actorName: null, reason: null })
    expect(JSON.stringify(secondView)).not.toContain('No relationship with this merchant.')
    expect((await notificationsOf(second.organisation.id)).map((n) => n.event)).toEqual(['assigned'])
  })
})

describe('the whole way', () => {
  test('assign → acknowledge → report → verify → close: every step in the timeline, the right people e-mailed', async () => {
    const { centre, partner } = await centreAndPartner()
    const id = await createTask(centre, partner.organisation.id, { draft: true })
    const mails = async (to: string) => (await collection('outboxmessages').find({ to }).toArray()).map((message) => message.kind)

    // A draft is the centre's alone.
    expect((await openTask(partner.client, id)) as Response).toHaveProperty('status', 404)
    expect((await taskPage(centre.client, id)).task.transitions).toEqual(['assign', 'cancel'])
    expect(await mails(partner.user.email)).toEqual([])

    expect((await postTask(centre.client, id, { intent: 'transition', transition: 'assign' })).status).toBe(302)
    expect(await mails(partner.user.email)).toEqual(['taskAssigned'])

    expect((await postTask(partner.client, id, { intent: 'transition', transition: 'acknowledge' })).status).toBe(302)
    expect(await mails(centre.user.email)).toEqual(['taskAcknowledged'])

    const reported = await postTask(partner.client, id, {
      intent: 'report',
      'actions.0.type': 'merchant_terminated',
      'actions.0.quantity': '2',
      'actions.0.actionDate': daysAgo(1),
      'actions.0.reference': 'CASE-2024-0117',
      'actions.0.matchReasonCode': '13',
      'actions.0.note': 'Both merchant accounts closed and listed.',
    })
    expect(reported).toMatchObject({ status: 302, location: `/tasks/${id}` })
    expect(await mails(centre.user.email)).toEqual(['taskAcknowledged', 'taskReported'])

    expect((await postTask(centre.client, id, { intent: 'transition', transition: 'verify' })).status).toBe(302)
    expect(await mails(partner.user.email)).toEqual(['taskAssigned', 'taskVerified'])

    expect((await postTask(centre.client, id, { intent: 'transition', transition: 'close' })).status).toBe(302)

    const page = await taskPage(partner.client, id)
    expect(page.task.status).toBe('closed')
    expect(page.task.timeline.map((item) => [item.transition, item.from, item.to, item.actorName])).toEqual([
      ['create', null, 'draft', centre.user.name],
      ['assign', 'draft', 'assigned', centre.user.name],
      ['acknowledge', 'assigned', 'acknowledged', partner.user.name],
      ['report', 'acknowledged', 'reported', partner.user.name],
      ['verify', 'reported', 'verified', centre.user.name],
      ['close', 'verified', 'closed', centre.user.name],
    ])
    const times = page.task.timeline.map((item) => Date.parse(item.at))
    expect(times.every((time, index) => Number.isFinite(time) && (index === 0 || time >= (times[index - 1] ?? 0)))).toBe(true)
    expect(page.task.timeline.find((item) => item.transition === 'report')?.reportVersion).toBe(1)
    expect(page.task.reports).toHaveLength(1)
    expect(page.task.reports[0]).toMatchObject({
      version: 1,
      status: 'current',
      verification: 'verified',
      actions: [{ type: 'merchant_terminated', quantity: 2, matchReasonCode: '13', reference: 'CASE-2024-0117' }],
    })
    // Nobody is told of their own step, and the outbox holds one message per step and person.
    expect(await mails(centre.user.email)).toEqual(['taskAcknowledged', 'taskReported'])
    expect((await notificationsOf(partner.organisation.id)).map((n) => n.event).sort()).toEqual(['assigned', 'verified'])
  })

  test('a stale page: verifying again after someone else did is told the task moved on', async () => {
    const { centre, partner } = await centreAndPartner()
    const id = await createTask(centre, partner.organisation.id)
    await transitionTask(partner.viewer, id, 'acknowledge')
    await submitReport(partner.viewer, id, [{ type: 'url_blocked', quantity: 3, actionDate: new Date() }])

    expect((await postTask(centre.client, id, { intent: 'transition', transition: 'verify' })).status).toBe(302)
    const again = await postTask(centre.client, id, { intent: 'transition', transition: 'verify' })
    expect(again.status).toBe(409)
    expect(refusal(again).message).toContain('“Verified”')
  })
})
