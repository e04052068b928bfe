import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, test } from 'vitest'
import { defaultDuePolicy } from '~/domain/vocabulary'
import NewTaskPage, { loader as newTaskLoader, action as newTaskAction } from '~/routes/tasks.new'
import { action as templatesAction, loader as templatesLoader } from '~/routes/tasks.templates._index'
import { createTasks } from '~/tasks/tasks.server'
import { createTestUser } from '../factories/users'
import { call, get, post, routeArgs } from '../support/requests'
import {
  collection,
  colleague,
  createInitiative,
  DAY,
  member,
  notificationsFor,
  oid,
  outcome,
  postNewTask,
  rawKeys,
  renderPage,
  tasksTitled,
  uniqueTitle,
} from './tasks-queue-support'

const CARD_NUMBER = '4111 1111 1111 1111'

type Member = Awaited<ReturnType<typeof member>>
let centre: Member
let banks: Member[]

beforeAll(async () => {
  centre = await member({ kind: 'national_centre', roles: ['staff'] })
  banks = [await member({ kind: 'bank' }), await member({ kind: 'acquirer_processor' }), await member({ kind: 'card_scheme', status: 'probation' })]
})

const closeTo = (actual: Date, expected: number) => expect(Math.abs(actual.getTime() - expected)).toBeLessThan(60_000)

describe('creating tasks from the form', () => {
  test('one organisation: one assigned task, the partner notified, and the browser sent to the task', async () => {
    const title = uniqueTitle('Single')
    const before = Date.now()
    const result = await postNewTask(centre.client, { title, description: 'Check the **merchant** behind descriptor ACME*SHOP.', assigneeOrganisationIds: banks[0]!.organisation.id, priority: 'high' })
    const [task] = await tasksTitled(title)
    expect(task).toBeDefined()
    expect(result.status).toBe(302)
    expect(result.location).toBe(`/tasks/${String(task?._id)}`)
    expect(task).toMatchObject({ status: 'assigned', priority: 'high', tlp: 'AMBER', createdByName: centre.user.name })
    expect(String(task?.ownerCentreId)).toBe(centre.organisation.id)
    expect(String(task?.assigneeOrganisationId)).toBe(banks[0]!.organisation.id)
    expect(task?.assignmentId).toBeUndefined()
    closeTo(task?.dueAt as Date, before + defaultDuePolicy.high * DAY)
    const notices = await notificationsFor([String(task?._id)])
    expect(notices.map((notice) => String(notice.userId))).toEqual([banks[0]!.user.id])
    expect(notices[0]).toMatchObject({ event: 'assigned', title })
  })

  test('several organisations: one task each under one assignment, each partner notified', async () => {
    const title = uniqueTitle('Many')
    const ids = banks.map((bank) => bank.organisation.id)
    const result = await postNewTask(centre.client, { title, assigneeOrganisationIds: ids })
    const tasks = await tasksTitled(title)
    expect(tasks).toHaveLength(3)
    expect(tasks.map((task) => String(task.assigneeOrganisationId)).sort()).toEqual([...ids].sort())
    const assignment = String(tasks[0]?.assignmentId)
    expect(assignment).toMatch(/^[a-f\d]{24}$/)
    expect(tasks.every((task) => String(task.assignmentId) === assignment)).toBe(true)
    expect(result.status).toBe(302)
    expect(result.location).toBe(`/tasks?view=owned&assignment=${assignment}`)
    const notices = await notificationsFor(tasks.map((task) => String(task._id)))
    expect(notices.map((notice) => String(notice.userId)).sort()).toEqual(banks.map((bank) => bank.user.id).sort())
    expect(new Set(notices.map((notice) => String(notice.organisationId)))).toEqual(new Set(ids))
  })

  test('a draft is stored as a draft and nobody is notified yet', async () => {
    const title = uniqueTitle('Draft')
    const result = await postNewTask(centre.client, { title, assigneeOrganisationIds: banks[0]!.organisation.id, intent: 'draft' })
    const [task] = await tasksTitled(title)
    expect(result.status).toBe(302)
    expect(task).toMatchObject({ status: 'draft' })
    expect(await notificationsFor([String(task?._id)])).toEqual([])
  })

  test('a chosen due date is kept, as the end of that day', async () => {
    const title = uniqueTitle('Dated')
    const day = new Date(Date.now() + 12 * DAY).toISOString().slice(0, 10)
    await postNewTask(centre.client, { title, assigneeOrganisationIds: banks[0]!.organisation.id, dueDate: day, priority: 'urgent' })
    const [task] = await tasksTitled(title)
    expect((task?.dueAt as Date).toISOString()).toBe(`${day}T23:59:59.999Z`)
  })

  test('a task can go to one person of the organisation, chosen in a second step', async () => {
    const person = await createTestUser({ organisationId: banks[0]!.organisation.id, roles: ['member'], name: 'Petra Person' })
    const stepOne = await postNewTask(centre.client, { intent: 'people', title: 'Half typed', assigneeOrganisationIds: banks[0]!.organisation.id })
    expect(stepOne.status).toBe(200)
    const offered = (stepOne.body as { step: { people: { id: string; name: string }[] } }).step.people
    expect(offered.map((p) => p.name)).toContain('Petra Person')
    expect((stepOne.body as { values: Record<string, string> }).values.title).toBe('Half typed')

    const title = uniqueTitle('Personal')
    await postNewTask(centre.client, { title, assigneeOrganisationIds: banks[0]!.organisation.id, assigneeUserId: person.id })
    const [task] = await tasksTitled(title)
    expect(String(task?.assigneeUserId)).toBe(person.id)
    const notices = await notificationsFor([String(task?._id)])
    expect(notices.map((notice) => String(notice.userId))).toEqual([person.id])
  })

  test('a person cannot be chosen with several organisations', async () => {
    const title = uniqueTitle('Two orgs one person')
    const stepOne = await postNewTask(centre.client, { intent: 'people', title, assigneeOrganisationIds: [banks[0]!.organisation.id, banks[1]!.organisation.id] })
    expect(stepOne.status).toBe(400)
    const result = await postNewTask(centre.client, { title, assigneeOrganisationIds: [banks[0]!.organisation.id, banks[1]!.organisation.id], assigneeUserId: banks[0]!.user.id })
    expect(result.status).toBe(400)
    expect((result.body as { errors: Record<string, string[]> }).errors.assigneeUserId).toEqual(['tasks:errors.personNeedsOneOrganisation'])
    expect(await tasksTitled(title)).toEqual([])
  })

  test('TLP:RED needs one organisation and someone named in it', async () => {
    const title = uniqueTitle('Red')
    const refused = await postNewTask(centre.client, { title, tlp: 'RED', assigneeOrganisationIds: banks[0]!.organisation.id })
    expect(refused.status).toBe(400)
    expect((refused.body as { errors: Record<string, string[]> }).errors.tlp).toEqual(['tasks:errors.redNeedsPeople'])
    const stranger = await member({ kind: 'isp' })
    const namingAStranger = await postNewTask(centre.client, { title, tlp: 'RED', assigneeOrganisationIds: banks[0]!.organisation.id, redRecipientIds: stranger.user.id })
    expect(namingAStranger.status).toBe(400)
    expect(await tasksTitled(title)).toEqual([])
    const accepted = await postNewTask(centre.client, { title, tlp: 'RED', assigneeOrganisationIds: banks[0]!.organisation.id, redRecipientIds: banks[0]!.user.id })
    expect(accepted.status).toBe(302)
    const [task] = await tasksTitled(title)
    expect(task?.redRecipientIds?.map(String)).toEqual([banks[0]!.user.id])
  })

  test('an initiative the centre leads can be chosen; another centre’s cannot', async () => {
    const own = await createInitiative(centre.organisation.id)
    const otherCentre = await member({ kind: 'national_centre', roles: ['staff'] })
    const foreign = await createInitiative(otherCentre.organisation.id)
    const title = uniqueTitle('Initiative task')
    const refused = await postNewTask(centre.client, { title, assigneeOrganisationIds: banks[0]!.organisation.id, initiativeId: foreign.id })
    expect(refused.status).toBe(400)
    expect((refused.body as { errors: Record<string, string[]> }).errors.initiativeId).toEqual(['tasks:errors.invalidInitiative'])
    expect(await tasksTitled(title)).toEqual([])
    await postNewTask(centre.client, { title, assigneeOrganisationIds: banks[0]!.organisation.id, initiativeId: own.id })
    const [task] = await tasksTitled(title)
    expect(String(task?.initiativeId)).toBe(own.id)
  })

  test('sending the same form twice creates the tasks once', async () => {
    const title = uniqueTitle('Twice')
    const submission = randomUUID()
    const first = await postNewTask(centre.client, { title, submission, assigneeOrganisationIds: banks[0]!.organisation.id })
    const second = await postNewTask(centre.client, { title, submission, assigneeOrganisationIds: banks[0]!.organisation.id })
    expect(first.status).toBe(302)
    expect(second.status).toBe(302)
    expect(second.location).toBe('/tasks?view=owned')
    expect(await tasksTitled(title)).toHaveLength(1)
  })
})

describe('validation', () => {
  test('missing fields answer 400 with field messages and the typed values, and nothing is stored', async () => {
    const description = `Unique description ${randomUUID()}`
    const result = await postNewTask(centre.client, { title: '', description, priority: 'urgent' })
    expect(result.status).toBe(400)
    const { errors, values } = result.body as { errors: Record<string, string[]>; values: Record<string, string> }
    expect(errors.title).toEqual(['required'])
    expect(errors.assigneeOrganisationIds).toEqual(['tasks:errors.chooseOrganisation'])
    expect(values).toMatchObject({ description, priority: 'urgent' })
    expect(await collection('tasks').countDocuments({ description })).toBe(0)
  })

  test('the refused form shows the messages and keeps what was typed', async () => {
    const html = await renderPage(
      '/tasks/new',
      centre.client,
      { pattern: 'tasks/new', loader: newTaskLoader, action: newTaskAction, Component: NewTaskPage },
      { form: { csrf: centre.client.csrf, submission: randomUUID(), intent: 'assign', title: 'Ab', description: 'Kept text', priority: 'low', tlp: 'GREEN' } },
    )
    expect(html).toContain('This is too short.')
    expect(html).toContain('Choose at least one organisation.')
    expect(html).toContain('Kept text')
    expect(html).toMatch(/checked="" value="GREEN"/)
    expect(rawKeys(html)).toEqual([])
  })

  test('a card number in the description is refused, saying why, and nothing is stored', async () => {
    const title = uniqueTitle('Card')
    const result = await postNewTask(centre.client, { title, description: `Test purchase with card ${CARD_NUMBER}`, assigneeOrganisationIds: banks[0]!.organisation.id })
    expect(result.status).toBe(400)
    expect((result.body as { errors: Record<string, string[]> }).errors.description).toEqual(['cardNumber'])
    expect(await tasksTitled(title)).toEqual([])
  })

  test('a due date in the past is refused', async () => {
    const title = uniqueTitle('Past')
    const result = await postNewTask(centre.client, { title, assigneeOrganisationIds: banks[0]!.organisation.id, dueDate: '2020-01-01' })
    expect(result.status).toBe(400)
    expect((result.body as { errors: Record<string, string[]> }).errors.dueDate).toEqual(['tasks:errors.pastDate'])
    expect(await tasksTitled(title)).toEqual([])
  })

  test('a centre cannot assign a task to itself', async () => {
    const title = uniqueTitle('Self')
    const result = await postNewTask(centre.client, { title, assigneeOrganisationIds: [banks[0]!.organisation.id, centre.organisation.id] })
    expect(result.status).toBe(400)
    expect((result.body as { errors: Record<string, string[]> }).errors.assigneeOrganisationIds).toEqual(['tasks:errors.invalidAssignee'])
    expect(await tasksTitled(title)).toEqual([])
  })

  test('a suspended organisation cannot be assigned, and is not offered', async () => {
    const suspended = await member({ kind: 'bank' })
    await collection('organisations').updateOne({ _id: oid(suspended.organisation.id) }, { $set: { status: 'suspended' } })
    const title = uniqueTitle('Suspended')
    const result = await postNewTask(centre.client, { title, assigneeOrganisationIds: suspended.organisation.id })
    expect(result.status).toBe(400)
    expect(await tasksTitled(title)).toEqual([])
    const form = await call(() => newTaskLoader(routeArgs(get('/tasks/new', centre.client))))
    if (form instanceof Response) throw new Error('expected the form')
    const offered = form.organisations.map((organisation) => organisation.id)
    expect(offered).toContain(banks[0]!.organisation.id)
    expect(offered).not.toContain(suspended.organisation.id)
    expect(offered).not.toContain(centre.organisation.id)
  })

  test('a partner can neither open the form nor post it', async () => {
    const partner = banks[0]!
    const page = await call(() => newTaskLoader(routeArgs(get('/tasks/new', partner.client))))
    expect(page instanceof Response && page.status).toBe(403)
    const title = uniqueTitle('Partner')
    const result = await postNewTask(partner.client, { title, assigneeOrganisationIds: banks[1]!.organisation.id })
    expect(result.status).toBe(403)
    expect(await tasksTitled(title)).toEqual([])
  })
})

describe('due dates from the centre’s policy', () => {
  test('without a date, each priority gets the portal’s default days', async () => {
    for (const priority of ['urgent', 'high', 'normal', 'low'] as const) {
      const title = uniqueTitle(`Default ${priority}`)
      const before = Date.now()
      await postNewTask(centre.client, { title, priority, assigneeOrganisationIds: banks[0]!.organisation.id })
      const [task] = await tasksTitled(title)
      closeTo(task?.dueAt as Date, before + defaultDuePolicy[priority] * DAY)
    }
  })

  test('a coordinator changes the policy; new tasks follow it, other centres do not', async () => {
    const coordinator = await colleague(centre.organisation.id, ['coordinator'])
    const shown = await call(() => templatesLoader(routeArgs(get('/tasks/templates', coordinator.client))))
    if (shown instanceof Response) throw new Error('expected the page')
    expect(shown.duePolicy).toEqual(defaultDuePolicy)
    expect(shown.canPolicy).toBe(true)

    const refused = outcome(await call(() => templatesAction(routeArgs(post('/tasks/templates', coordinator.client, { urgent: '1', high: '400', normal: 'x', low: '30' })))))
    expect(refused.status).toBe(400)
    expect((refused.body as { errors: Record<string, string[]> }).errors.high).toEqual(['tasks:errors.daysRange'])

    const saved = outcome(await call(() => templatesAction(routeArgs(post('/tasks/templates', coordinator.client, { urgent: '1', high: '3', normal: '7', low: '30' })))))
    expect(saved.status).toBe(302)
    const audit = await collection('auditevents').find({ action: 'centre.due_policy_changed', targetId: centre.organisation.id }).toArray()
    expect(audit).toHaveLength(1)

    for (const [priority, days] of [
      ['urgent', 1],
      ['normal', 7],
      ['low', 30],
    ] as const) {
      const title = uniqueTitle(`Policy ${priority}`)
      const before = Date.now()
      await postNewTask(centre.client, { title, priority, assigneeOrganisationIds: banks[0]!.organisation.id })
      const [task] = await tasksTitled(title)
      closeTo(task?.dueAt as Date, before + days * DAY)
    }
    // Another centre still has the defaults.
    const other = await member({ kind: 'national_centre', roles: ['staff'] })
    const { ids } = await createTasks(other.viewer, { title: uniqueTitle('Other centre'), assigneeOrganisationIds: [banks[0]!.organisation.id], priority: 'normal' })
    const [task] = await collection('tasks').find({ _id: oid(ids[0]!) }).toArray()
    closeTo(task?.dueAt as Date, Date.now() + defaultDuePolicy.normal * DAY)
  })

  test('centre staff see the policy but cannot change it', async () => {
    const shown = await call(() => templatesLoader(routeArgs(get('/tasks/templates', centre.client))))
    if (shown instanceof Response) throw new Error('expected the page')
    expect(shown.canPolicy).toBe(false)
    const refused = await call(() => templatesAction(routeArgs(post('/tasks/templates', centre.client, { urgent: '9', high: '9', normal: '9', low: '9' }))))
    expect(refused instanceof Response && refused.status).toBe(403)
  })

  test('the form shows the defaults next to the due date', async () => {
    const html = await renderPage('/tasks/new', centre.client, { pattern: 'tasks/new', loader: newTaskLoader, Component: NewTaskPage })
    expect(html).toMatch(/Leave empty for your centre&#x27;s default: urgent \d+ days, high \d+, normal \d+, low \d+\./)
    expect(html).toContain(banks[0]!.organisation.legalName)
    expect(html).toContain('TLP:AMBER')
    expect(html).toContain('Save as draft')
    expect(rawKeys(html)).toEqual([])
  })
})
