import { describe, expect, test } from 'vitest'
import { getViewer } from '~/auth/guards.server'
import { addComment, listComments, loadTask, transitionTask } from '~/tasks/tasks.server'
import { createTestUser } from '../factories/users'
import { get, signedInClient } from '../support/requests'
import {
  CARD_NUMBER,
  centreAndPartner,
  collection,
  createTask,
  member,
  notificationsOf,
  openTask,
  postTask,
  refusal,
  storedComments,
  taskPage,
} from './task-detail-support'

const INTERNAL = 'Internal: the acquirer was slow last time; chase them on Friday.'
const SHARED = 'Please include the MATCH listing date in your report.'

/** A second person at the centre, so the task's creator hears of what others write. */
async function colleagueOf(centre: Awaited<ReturnType<typeof member>>) {
  const user = await createTestUser({ organisationId: centre.organisation.id, roles: ['staff'] })
  const client = await signedInClient(user)
  const viewer = await getViewer(get('/', client))
  if (!viewer) throw new Error('colleague not signed in')
  return { user, client, viewer }
}

describe('comments', () => {
  test('internal comments never reach the partner: not on its page, not in its notifications', async () => {
    const { centre, partner } = await centreAndPartner()
    const colleague = await colleagueOf(centre)
    const id = await createTask(centre, partner.organisation.id)

    // Without a choice, a centre comment is internal.
    const internal = await postTask(colleague.client, id, { intent: 'comment', body: INTERNAL })
    expect(internal).toMatchObject({ status: 302, location: `/tasks/${id}#comments` })
    expect((await storedComments(id)).map((comment) => comment.visibility)).toEqual(['internal'])

    const partnerPage = await taskPage(partner.client, id)
    expect(partnerPage.task.comments).toEqual([])
    expect(JSON.stringify(partnerPage)).not.toContain('chase them on Friday')
    const { task, side } = await loadTask(partner.viewer, id)
    expect(JSON.stringify(await listComments(partner.viewer, task, side))).not.toContain('chase them on Friday')

    // The centre sees it, marked internal; its creator was told; the partner's people were not.
    const centrePage = await taskPage(centre.client, id)
    expect(centrePage.task.comments).toMatchObject([{ visibility: 'internal', body: INTERNAL, authorName: colleague.user.name, fromCentre: true }])
    const centreNotices = await notificationsOf(centre.organisation.id)
    expect(centreNotices.filter((notice) => notice.event === 'commented').map((notice) => String(notice.userId))).toEqual([centre.user.id])
    expect((await notificationsOf(partner.organisation.id)).filter((notice) => notice.event === 'commented')).toEqual([])
    expect(await collection('outboxmessages').countDocuments({ to: partner.user.email, kind: 'taskCommented' })).toBe(0)

    // A shared one reaches the partner, on the page and by notification.
    expect((await postTask(colleague.client, id, { intent: 'comment', body: SHARED, visibility: 'shared' })).status).toBe(302)
    const afterShared = await taskPage(partner.client, id)
    expect(afterShared.task.comments).toMatchObject([{ visibility: 'shared', body: SHARED, fromCentre: true }])
    expect(JSON.stringify(afterShared)).not.toContain('chase them on Friday')
    expect((await notificationsOf(partner.organisation.id)).filter((notice) => notice.event === 'commented')).toHaveLength(1)
    expect(await collection('outboxmessages').countDocuments({ to: partner.user.email, kind: 'taskCommented' })).toBe(1)
  })

  test('a partner cannot write an internal comment: it is shared with the centre whatever the form says', async () => {
    const { centre, partner } = await centreAndPartner()
    const id = await createTask(centre, partner.organisation.id)
    const page = await taskPage(partner.client, id)
    expect(page.task.canComment).toBe(true)
    expect(page.task.canCommentInternally).toBe(false)

    const result = await postTask(partner.client, id, { intent: 'comment', body: 'We need the test-purchase time.', visibility: 'internal' })
    expect(result.status).toBe(302)
    expect((await storedComments(id)).map((comment) => comment.visibility)).toEqual(['shared'])
    expect(await addComment(partner.viewer, id, { body: 'Second question.', visibility: 'internal' })).toMatchObject({ visibility: 'shared' })

    const centrePage = await taskPage(centre.client, id)
    expect(centrePage.task.comments.map((comment) => [comment.visibility, comment.fromCentre])).toEqual([
      ['shared', false],
      ['shared', false],
    ])
    expect((await notificationsOf(centre.organisation.id)).filter((notice) => notice.event === 'commented')).toHaveLength(2)
  })

  test('an empty comment or one with a card number is refused; what was typed is kept', async () => {
    const { centre, partner } = await centreAndPartner()
    const id = await createTask(centre, partner.organisation.id)
    const empty = await postTask(centre.client, id, { intent: 'comment', body: '   ', visibility: 'shared' })
    expect(empty.status).toBe(400)
    expect(refusal(empty)).toMatchObject({ intent: 'comment', errors: { body: ['required'] }, values: { visibility: 'shared' } })
    const card = await postTask(partner.client, id, { intent: 'comment', body: `The buyer paid with ${CARD_NUMBER}` })
    expect(card.status).toBe(400)
    expect(refusal(card)).toMatchObject({ errors: { body: ['cardNumber'] }, values: { body: `The buyer paid with ${CARD_NUMBER}` } })
    expect(await storedComments(id)).toEqual([])
  })

  test('another partner organisation never sees the task, its comments or a notification about it', async () => {
    const { centre, partner } = await centreAndPartner()
    const stranger = await member({ kind: 'acquirer_processor' })
    const id = await createTask(centre, partner.organisation.id)

    await postTask(centre.client, id, { intent: 'comment', body: SHARED, visibility: 'shared' })
    await postTask(centre.client, id, { intent: 'comment', body: INTERNAL })
    await postTask(partner.client, id, { intent: 'comment', body: 'Acknowledged; looking.' })
    await transitionTask(partner.viewer, id, 'acknowledge')

    expect(((await openTask(stranger.client, id)) as Response).status).toBe(404)
    const attempts: Record<string, string>[] = [
      { intent: 'comment', body: 'Let me in' },
      { intent: 'transition', transition: 'start' },
      { intent: 'transition', transition: 'decline', reason: '' },
      { intent: 'transition', transition: 'cancel', confirm: 'on' },
      { intent: 'report', 'actions.0.type': 'url_blocked', 'actions.0.quantity': '1', 'actions.0.actionDate': '2024-01-01' },
      { intent: 'report' },
      { intent: 'anything' },
    ]
    for (const fields of attempts) {
      expect((await postTask(stranger.client, id, fields)).status, JSON.stringify(fields)).toBe(404)
    }
    await expect(addComment(stranger.viewer, id, { body: 'Let me in', visibility: 'shared' })).rejects.toMatchObject({ code: 'notFound' })
    expect((await storedComments(id)).map((comment) => comment.body)).not.toContain('Let me in')
    expect(await notificationsOf(stranger.organisation.id)).toEqual([])
    expect(await collection('outboxmessages').countDocuments({ to: stranger.user.email })).toBe(0)
    expect(await storedComments(id)).toHaveLength(3)
  })

  test('after a reassignment, the new organisation does not read the conversation with the previous one', async () => {
    const { centre, partner } = await centreAndPartner()
    const next = await member({ kind: 'payment_service' })
    const id = await createTask(centre, partner.organisation.id)
    await postTask(partner.client, id, { intent: 'comment', body: 'We have no merchant with that descriptor.' })
    await transitionTask(partner.viewer, id, 'decline', { reason: 'No relationship.' })
    await transitionTask(centre.viewer, id, 'assign', { assigneeOrganisationId: next.organisation.id })
    await postTask(centre.client, id, { intent: 'comment', body: SHARED, visibility: 'shared' })

    const nextPage = await taskPage(next.client, id)
    expect(nextPage.task.comments.map((comment) => comment.body)).toEqual([SHARED])
    expect(JSON.stringify(nextPage)).not.toContain('no merchant with that descriptor')
    // The centre keeps the whole record.
    expect((await taskPage(centre.client, id)).task.comments).toHaveLength(2)
  })

  test('observers (TLP:GREEN readers) read shared comments only, without names, and cannot write', async () => {
    const { centre, partner } = await centreAndPartner()
    const reader = await member({ kind: 'isp' })
    const id = await createTask(centre, partner.organisation.id, { tlp: 'GREEN' })
    await postTask(centre.client, id, { intent: 'comment', body: INTERNAL })
    await postTask(centre.client, id, { intent: 'comment', body: SHARED, visibility: 'shared' })
    const page = await taskPage(reader.client, id)
    expect(page.task.side).toBe('observer')
    expect(page.task.comments).toMatchObject([{ body: SHARED, authorName: null }])
    expect(JSON.stringify(page)).not.toContain('chase them on Friday')
    expect(JSON.stringify(page)).not.toContain(centre.user.name)
    expect((await postTask(reader.client, id, { intent: 'comment', body: 'Hello' })).status).toBe(403)
    expect(await notificationsOf(reader.organisation.id)).toEqual([])
  })
})
