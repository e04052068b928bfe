import mongoose from 'mongoose'
import { expect, test } from 'vitest'
import { loadViewer } from '~/auth/guards.server'
import { notifyTask } from '~/notifications/notify.server'
import type { Viewer } from '~/policy/permissions'
import { createTasks, loadTask } from '~/tasks/tasks.server'
import { createTestOrganisation } from '../factories/organisations'
import { createTestUser } from '../factories/users'

test('a reminder whose run died after the in-app notification still gets its e-mail, once', async () => {
  const centre = await createTestOrganisation({ kind: 'national_centre', status: 'active' })
  const partner = await createTestOrganisation({ kind: 'bank', status: 'active' })
  const staff = await createTestUser({ organisationId: centre.id, roles: ['staff'] })
  const member = await createTestUser({ organisationId: partner.id, roles: ['member'] })
  const viewer = (await loadViewer(staff.id, centre.id)) as Viewer
  const { ids } = await createTasks(viewer, { title: 'Resume after a crash', assigneeOrganisationIds: [partner.id] })
  const { task } = await loadTask(viewer, ids[0] as string)
  const key = `task:${ids[0]}:due_soon:test`
  const db = mongoose.connection.db!
  // The crashed run: the notification exists, the e-mail was never queued.
  await db.collection('notifications').insertOne({
    organisationId: new mongoose.Types.ObjectId(partner.id),
    userId: new mongoose.Types.ObjectId(member.id),
    event: 'due_soon',
    taskId: task._id,
    title: task.title,
    dedupeKey: `${key}:${member.id}`,
    createdAt: new Date(),
  })
  const mails = () => db.collection('outboxmessages').countDocuments({ to: member.email, kind: 'taskDueSoon' })
  expect(await mails()).toBe(0)
  await notifyTask({ event: 'due_soon', task, audience: 'partner', dedupeKey: key })
  expect(await mails()).toBe(1)
  await notifyTask({ event: 'due_soon', task, audience: 'partner', dedupeKey: key })
  expect(await mails()).toBe(1)
  expect(await db.collection('notifications').countDocuments({ dedupeKey: `${key}:${member.id}` })).toBe(1)
})
