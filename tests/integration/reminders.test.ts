import mongoose from 'mongoose'
import { beforeEach, describe, expect, test } from 'vitest'
import { getViewer } from '~/auth/guards.server'
import { REMINDER_SLOT_MS, reminderLeaseKey, runTaskReminders, sweepReminderLeases } from '~/jobs/reminders.server'
import { saveEmailPreferences } from '~/notifications/preferences.server'
import type { Viewer } from '~/policy/permissions'
import { createTasks, type TaskInput } from '~/tasks/tasks.server'
import { createTestOrganisation } from '../factories/organisations'
import { createTestUser, type TestUser } from '../factories/users'
import { get, signedInClient } from '../support/requests'

const HOUR = 60 * 60 * 1000
const DAY = 24 * HOUR
const oid = (id: string) => new mongoose.Types.ObjectId(id)

function collection(name: 'notifications' | 'outboxmessages' | 'tasks' | 'organisations') {
  const db = mongoose.connection.db
  if (!db) throw new Error('no database')
  return db.collection(name)
}

/** Leases are claims with a string id. */
function claims() {
  const db = mongoose.connection.db
  if (!db) throw new Error('no database')
  return db.collection<{ _id: string; at: Date }>('claims')
}

async function viewerOf(user: TestUser): Promise<Viewer> {
  const viewer = await getViewer(get('/', await signedInClient(user)))
  if (!viewer) throw new Error('not signed in')
  return viewer
}

/** A fresh lease slot, far enough from the others that a test may also use the slots just after it. */
let slots = 0
const start = Math.floor(Date.now() / REMINDER_SLOT_MS) * REMINDER_SLOT_MS
function nextSlot() {
  slots += 1000
  return new Date(start + slots * REMINDER_SLOT_MS + 1000)
}

let worlds = 0
async function world() {
  const n = ++worlds
  const centre = await createTestOrganisation({ kind: 'national_centre', legalName: `Reminder Centre ${n}` })
  const bank = await createTestOrganisation({ kind: 'bank', legalName: `Reminder Bank ${n}` })
  const staff = await createTestUser({ organisationId: centre.id, roles: ['staff'] })
  const coordinator = await createTestUser({ organisationId: centre.id, roles: ['coordinator'] })
  const secondCoordinator = await createTestUser({ organisationId: centre.id, roles: ['coordinator', 'staff'] })
  const dpo = await createTestUser({ organisationId: centre.id, roles: ['dpo'] })
  const member = await createTestUser({ organisationId: bank.id, roles: ['member'] })
  const admin = await createTestUser({ organisationId: bank.id, roles: ['admin'] })
  const staffViewer = await viewerOf(staff)
  /** A task assigned to the bank, due at `dueAt`. */
  const task = async (dueAt: Date, extra: Partial<TaskInput> = {}) => {
    const { ids } = await createTasks(staffViewer, { title: `Reminder task ${n}`, assigneeOrganisationIds: [bank.id], dueAt, ...extra })
    const id = ids[0]
    if (!id) throw new Error('no task')
    return id
  }
  return { n, centre, bank, staff, coordinator, secondCoordinator, dpo, member, admin, task }
}

/** Who got an in-app notification of `event` about a task, one entry per notification. */
async function notified(taskId: string, event: 'due_soon' | 'overdue') {
  const rows = await collection('notifications').find({ taskId: oid(taskId), event }).toArray()
  return rows.map((row) => String(row.userId)).sort()
}

/** Who got an e-mail of `kind` about a task, one entry per message. */
async function mailed(taskId: string, kind: 'taskDueSoon' | 'taskOverdue') {
  const rows = await collection('outboxmessages').find({ kind, dedupeKey: { $regex: `^mail:task:${taskId}:` } }).toArray()
  return rows.map((row) => String(row.to)).sort()
}

const ids = (...users: TestUser[]) => users.map((user) => user.id).sort()
const emails = (...users: TestUser[]) => users.map((user) => user.email).sort()

beforeEach(async () => {
  // The job scans every organisation: each test starts from no open task so its counts are its own.
  await collection('tasks').deleteMany({})
})

describe('due-soon reminders', () => {
  test('reach the partner side once, in the portal and by e-mail; no one else', async () => {
    const w = await world()
    const now = nextSlot()
    const soon = await w.task(new Date(now.getTime() + DAY))
    const later = await w.task(new Date(now.getTime() + 3 * DAY))

    const first = await runTaskReminders(now)
    expect(first).toEqual({ dueSoon: 2, overdue: 0, leased: true })
    expect(await notified(soon, 'due_soon')).toEqual(ids(w.member, w.admin))
    expect(await mailed(soon, 'taskDueSoon')).toEqual(emails(w.member, w.admin))
    expect(await notified(later, 'due_soon')).toEqual([])

    const mail = await collection('outboxmessages').findOne({ kind: 'taskDueSoon', to: w.member.email })
    expect(mail?.subject).toContain(`Reminder task ${w.n}`)
    expect(mail?.text).toContain(`/tasks/${soon}`)

    // Later runs (other slots, so the lease does not hide anything) send nothing new.
    const second = await runTaskReminders(new Date(now.getTime() + REMINDER_SLOT_MS))
    expect(second).toEqual({ dueSoon: 0, overdue: 0, leased: true })
    expect(await notified(soon, 'due_soon')).toEqual(ids(w.member, w.admin))
    expect(await mailed(soon, 'taskDueSoon')).toEqual(emails(w.member, w.admin))

    // The later task enters the window a day on.
    const dayLater = await runTaskReminders(new Date(now.getTime() + DAY + 5 * REMINDER_SLOT_MS))
    expect(dayLater.dueSoon).toBe(2)
    expect(await notified(later, 'due_soon')).toEqual(ids(w.member, w.admin))
  })

  test('a new due date earns a new reminder', async () => {
    const w = await world()
    const now = nextSlot()
    const taskId = await w.task(new Date(now.getTime() + DAY))
    await runTaskReminders(now)
    await collection('tasks').updateOne({ _id: oid(taskId) }, { $set: { dueAt: new Date(now.getTime() + 36 * HOUR) } })
    const again = await runTaskReminders(new Date(now.getTime() + REMINDER_SLOT_MS))
    expect(again.dueSoon).toBe(2)
    expect(await notified(taskId, 'due_soon')).toEqual([...ids(w.member, w.admin), ...ids(w.member, w.admin)].sort())
  })

  test('skip tasks that wait on the centre, are closed or drafts, and suspended organisations', async () => {
    const w = await world()
    const now = nextSlot()
    const due = new Date(now.getTime() + DAY)
    const reported = await w.task(due)
    const verified = await w.task(due)
    const draft = await w.task(due, { draft: true })
    await collection('tasks').updateOne({ _id: oid(reported) }, { $set: { status: 'reported' } })
    await collection('tasks').updateOne({ _id: oid(verified) }, { $set: { status: 'verified' } })
    const result = await runTaskReminders(now)
    expect(result.dueSoon).toBe(0)
    for (const id of [reported, verified, draft]) expect(await notified(id, 'due_soon')).toEqual([])

    const suspendedBankTask = await w.task(due)
    await collection('organisations').updateOne({ _id: oid(w.bank.id) }, { $set: { status: 'suspended' } })
    expect((await runTaskReminders(nextSlot())).dueSoon).toBe(0)
    expect(await notified(suspendedBankTask, 'due_soon')).toEqual([])
  })

  test('a muted event still reaches the portal but not the mailbox', async () => {
    const w = await world()
    await saveEmailPreferences(await viewerOf(w.member), ['assigned', 'verified', 'returned', 'commented'])
    const now = nextSlot()
    const taskId = await w.task(new Date(now.getTime() + DAY))
    await runTaskReminders(now)
    expect(await notified(taskId, 'due_soon')).toEqual(ids(w.member, w.admin))
    expect(await mailed(taskId, 'taskDueSoon')).toEqual(emails(w.admin))
  })
})

describe('overdue escalations', () => {
  test('go to the owning centre’s coordinators only, once', async () => {
    const w = await world()
    const now = nextSlot()
    const late = await w.task(new Date(now.getTime() - HOUR))
    const declined = await w.task(new Date(now.getTime() - HOUR))
    await collection('tasks').updateOne({ _id: oid(declined) }, { $set: { status: 'declined' } })

    const result = await runTaskReminders(now)
    expect(result).toEqual({ dueSoon: 0, overdue: 2, leased: true })
    expect(await notified(late, 'overdue')).toEqual(ids(w.coordinator, w.secondCoordinator))
    expect(await mailed(late, 'taskOverdue')).toEqual(emails(w.coordinator, w.secondCoordinator))
    // Not the staff who created it, not the DPO, not the partner; no due-soon for a task already late.
    expect(await notified(late, 'due_soon')).toEqual([])
    expect(await notified(declined, 'overdue')).toEqual([])

    expect(await runTaskReminders(nextSlot())).toEqual({ dueSoon: 0, overdue: 0, leased: true })
    expect(await notified(late, 'overdue')).toEqual(ids(w.coordinator, w.secondCoordinator))
    expect(await mailed(late, 'taskOverdue')).toEqual(emails(w.coordinator, w.secondCoordinator))
  })

  test('a TLP:RED task reminds and escalates only to the people named on it', async () => {
    const w = await world()
    const now = nextSlot()
    const red = { tlp: 'RED' as const, redRecipientIds: [w.member.id, w.coordinator.id] }
    const soon = await w.task(new Date(now.getTime() + DAY), red)
    const late = await w.task(new Date(now.getTime() - DAY), red)
    await runTaskReminders(now)
    expect(await notified(soon, 'due_soon')).toEqual(ids(w.member))
    expect(await mailed(soon, 'taskDueSoon')).toEqual(emails(w.member))
    expect(await notified(late, 'overdue')).toEqual(ids(w.coordinator))
    expect(await mailed(late, 'taskOverdue')).toEqual(emails(w.coordinator))
  })
})

describe('several job runners at once', () => {
  test('the same slot: one runner scans, the other stands down', async () => {
    const w = await world()
    const now = nextSlot()
    const soon = await w.task(new Date(now.getTime() + DAY))
    const late = await w.task(new Date(now.getTime() - DAY))
    const results = await Promise.all([runTaskReminders(now), runTaskReminders(now)])
    expect(results.map((result) => result.leased).sort()).toEqual([false, true])
    expect(await notified(soon, 'due_soon')).toEqual(ids(w.member, w.admin))
    expect(await notified(late, 'overdue')).toEqual(ids(w.coordinator, w.secondCoordinator))
    expect(await claims().countDocuments({ _id: reminderLeaseKey(now) })).toBe(1)
  })

  test('different slots (the lease bypassed): still one notification and one e-mail per person and event', async () => {
    const w = await world()
    const now = nextSlot()
    const soon = await Promise.all(Array.from({ length: 4 }, () => w.task(new Date(now.getTime() + DAY))))
    const late = await Promise.all(Array.from({ length: 4 }, () => w.task(new Date(now.getTime() - DAY))))
    const runners = [0, 1, 2].map((slot) => runTaskReminders(new Date(now.getTime() + slot * REMINDER_SLOT_MS)))
    const results = await Promise.all(runners)
    expect(results.every((result) => result.leased)).toBe(true)
    // Every person is counted once over all runners together: nobody was notified twice.
    expect(results.reduce((sum, result) => sum + result.dueSoon, 0)).toBe(4 * 2)
    expect(results.reduce((sum, result) => sum + result.overdue, 0)).toBe(4 * 2)
    for (const id of soon) {
      expect(await notified(id, 'due_soon')).toEqual(ids(w.member, w.admin))
      expect(await mailed(id, 'taskDueSoon')).toEqual(emails(w.member, w.admin))
    }
    for (const id of late) {
      expect(await notified(id, 'overdue')).toEqual(ids(w.coordinator, w.secondCoordinator))
      expect(await mailed(id, 'taskOverdue')).toEqual(emails(w.coordinator, w.secondCoordinator))
    }
  })
})

test('old leases are swept, recent ones kept', async () => {
  const now = nextSlot()
  await runTaskReminders(now)
  const old = new Date(Date.now() - 3 * DAY)
  await claims().insertOne({ _id: reminderLeaseKey(old), at: old })
  await claims().insertOne({ _id: `someone-else:${now.getTime()}`, at: old })
  expect(await sweepReminderLeases()).toBeGreaterThanOrEqual(1)
  expect(await claims().countDocuments({ _id: reminderLeaseKey(old) })).toBe(0)
  expect(await claims().countDocuments({ _id: reminderLeaseKey(now) })).toBe(1)
  expect(await claims().countDocuments({ _id: `someone-else:${now.getTime()}` })).toBe(1)
})
