import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, test } from 'vitest'
import EditTemplate, { action as editAction, loader as editLoader } from '~/routes/tasks.templates.$templateId'
import ApplyPage, { action as applyAction, loader as applyLoader } from '~/routes/tasks.templates.$templateId_.apply'
import TemplatesPage, { loader as templatesLoader } from '~/routes/tasks.templates._index'
import NewTemplate, { action as newAction, loader as newLoader } from '~/routes/tasks.templates.new'
import { localeCookie } from '~/utils/i18next.server'
import { call, get, post, routeArgs, withCookie, type Client } from '../support/requests'
import { collection, colleague, createInitiative, DAY, member, oid, outcome, rawKeys, renderPage, uniqueTitle } from './tasks-queue-support'

type Member = Awaited<ReturnType<typeof member>>
let centre: Member
let scheme: Member
let otherScheme: Member
let acquirer: Member

beforeAll(async () => {
  centre = await member({ kind: 'national_centre', roles: ['staff'] })
  scheme = await member({ kind: 'card_scheme' })
  otherScheme = await member({ kind: 'card_scheme' })
  acquirer = await member({ kind: 'acquirer_processor' })
})

type Step = { title: string; description?: string; kind: string; priority: string; due: string }

/** The template form's fields as the browser sends them: one repeated field per step column. */
function templateForm(name: string, steps: Step[], extra: Record<string, string> = {}) {
  return {
    intent: 'save',
    name,
    description: 'When a site takes card payments.',
    step_title: steps.map((step) => step.title),
    step_description: steps.map((step) => step.description ?? ''),
    step_kind: steps.map((step) => step.kind),
    step_priority: steps.map((step) => step.priority),
    step_due: steps.map((step) => step.due),
    ...extra,
  }
}

const cardSteps: Step[] = [
  { title: 'Notify the card scheme', kind: 'card_scheme', priority: 'high', due: '2' },
  { title: 'Terminate the merchant', kind: 'acquirer_processor', priority: 'urgent', due: '10' },
  { title: 'Confirm the MATCH listing', kind: 'card_scheme', priority: 'normal', due: '15' },
  // A blank row, as the form always offers a few: ignored.
  { title: '', kind: '', priority: 'normal', due: '10' },
]

async function createTemplate(client: Client, name: string, steps = cardSteps) {
  return outcome(await call(() => newAction(routeArgs(post('/tasks/templates/new', client, templateForm(name, steps))))))
}

const templateNamed = async (name: string) => (await collection('tasktemplates').find({ name }).toArray())[0]

describe('playbooks: create, edit, delete', () => {
  test('a centre creates a playbook with ordered steps; blank rows are ignored; audited', async () => {
    const name = uniqueTitle('Card disruption')
    const result = await createTemplate(centre.client, name)
    expect(result.status).toBe(302)
    expect(result.location).toBe('/tasks/templates')
    const stored = await templateNamed(name)
    expect(String(stored?.organisationId)).toBe(centre.organisation.id)
    expect(stored?.steps.map((step: { title: string; organisationKind: string; priority: string; dueInDays: number }) => [step.title, step.organisationKind, step.priority, step.dueInDays])).toEqual([
      ['Notify the card scheme', 'card_scheme', 'high', 2],
      ['Terminate the merchant', 'acquirer_processor', 'urgent', 10],
      ['Confirm the MATCH listing', 'card_scheme', 'normal', 15],
    ])
    expect(await collection('auditevents').countDocuments({ action: 'template.created', targetId: String(stored?._id) })).toBe(1)
    const list = await call(() => templatesLoader(routeArgs(get('/tasks/templates', centre.client))))
    if (list instanceof Response) throw new Error('expected the list')
    expect(list.items.map((item) => item.name)).toContain(name)
  })

  test('refused forms answer 400 with messages on the right row, keep the rows, and store nothing', async () => {
    const name = uniqueTitle('Broken')
    const result = outcome(
      await call(() =>
        newAction(
          routeArgs(
            post(
              '/tasks/templates/new',
              centre.client,
              templateForm(name, [
                { title: 'A fine first step', kind: 'card_scheme', priority: 'high', due: '2' },
                { title: 'No kind chosen', kind: '', priority: 'high', due: '400' },
                { title: 'Card 4111 1111 1111 1111 in the title', kind: 'bank', priority: 'low', due: '1' },
              ]),
            ),
          ),
        ),
      ),
    )
    expect(result.status).toBe(400)
    const { errors, rows } = result.body as { errors: Record<string, string[]>; rows: { title: string }[] }
    expect(errors['step.1.organisationKind']).toEqual(['required'])
    expect(errors['step.1.dueInDays']).toEqual(['tasks:errors.daysRange'])
    expect(errors['step.2.title']).toEqual(['cardNumber'])
    expect(errors['step.0.title']).toBeUndefined()
    expect(rows.map((row) => row.title)).toEqual(['A fine first step', 'No kind chosen', 'Card 4111 1111 1111 1111 in the title'])
    expect(await templateNamed(name)).toBeUndefined()

    const empty = outcome(await call(() => newAction(routeArgs(post('/tasks/templates/new', centre.client, templateForm('', [{ title: '', kind: '', priority: 'normal', due: '1' }]))))))
    expect(empty.status).toBe(400)
    expect((empty.body as { errors: Record<string, string[]> }).errors).toMatchObject({ name: ['required'], steps: ['tasks:errors.stepsRequired'] })
  })

  test('a name is unique within a centre, not across centres', async () => {
    const name = uniqueTitle('Twin')
    expect((await createTemplate(centre.client, name)).status).toBe(302)
    const again = await createTemplate(centre.client, name)
    expect(again.status).toBe(400)
    expect((again.body as { errors: Record<string, string[]> }).errors.name).toEqual(['tasks:errors.nameTaken'])
    const otherCentre = await member({ kind: 'national_centre', roles: ['coordinator'] })
    expect((await createTemplate(otherCentre.client, name)).status).toBe(302)
  })

  test('editing: moving a step re-renders without saving; saving replaces name and steps', async () => {
    const name = uniqueTitle('Editable')
    await createTemplate(centre.client, name)
    const id = String((await templateNamed(name))?._id)
    const path = `/tasks/templates/${id}`
    const moved = outcome(await call(() => editAction(routeArgs(post(path, centre.client, templateForm(name, cardSteps, { intent: 'down:0' })), { templateId: id }))))
    expect(moved.status).toBe(200)
    expect((moved.body as { rows: { title: string }[] }).rows.slice(0, 2).map((row) => row.title)).toEqual(['Terminate the merchant', 'Notify the card scheme'])
    expect((await templateNamed(name))?.steps[0].title).toBe('Notify the card scheme')

    const renamed = `${name} v2`
    const saved = outcome(
      await call(() =>
        editAction(routeArgs(post(path, centre.client, templateForm(renamed, [{ title: 'Only one step now', kind: 'bank', priority: 'low', due: '0' }])), { templateId: id })),
      ),
    )
    expect(saved.status).toBe(302)
    const stored = await collection('tasktemplates').findOne({ _id: oid(id) })
    expect(stored).toMatchObject({ name: renamed })
    expect(stored?.steps).toHaveLength(1)
    expect(stored?.steps[0]).toMatchObject({ title: 'Only one step now', organisationKind: 'bank', dueInDays: 0 })
    expect(await collection('auditevents').countDocuments({ action: 'template.updated', targetId: id })).toBe(1)
  })

  test('deleting asks for confirmation first, then deletes and audits', async () => {
    const name = uniqueTitle('Doomed')
    await createTemplate(centre.client, name)
    const id = String((await templateNamed(name))?._id)
    const path = `/tasks/templates/${id}`
    const unconfirmed = outcome(await call(() => editAction(routeArgs(post(path, centre.client, { intent: 'delete' }), { templateId: id }))))
    expect(unconfirmed.status).toBe(302)
    expect(unconfirmed.location).toBe(`${path}?confirm=delete`)
    expect(await templateNamed(name)).toBeDefined()

    const html = await renderPage(`${path}?confirm=delete`, centre.client, { pattern: 'tasks/templates/:templateId', loader: editLoader, Component: EditTemplate })
    expect(html).toContain(`Delete the playbook “${name}”?`)
    expect(html).toContain('name="confirm" value="yes"')
    expect(rawKeys(html)).toEqual([])

    const confirmed = outcome(await call(() => editAction(routeArgs(post(path, centre.client, { intent: 'delete', confirm: 'yes' }), { templateId: id }))))
    expect(confirmed.status).toBe(302)
    expect(confirmed.location).toBe('/tasks/templates')
    expect(await templateNamed(name)).toBeUndefined()
    expect(await collection('auditevents').countDocuments({ action: 'template.deleted', targetId: id })).toBe(1)
  })

  test('another centre’s playbook is not found; partners are refused', async () => {
    const name = uniqueTitle('Private')
    await createTemplate(centre.client, name)
    const id = String((await templateNamed(name))?._id)
    const otherCentre = await member({ kind: 'national_centre', roles: ['staff'] })
    const path = `/tasks/templates/${id}`
    const seen = await call(() => editLoader(routeArgs(get(path, otherCentre.client), { templateId: id })))
    expect(seen instanceof Response && seen.status).toBe(404)
    const deleted = await call(() => editAction(routeArgs(post(path, otherCentre.client, { intent: 'delete', confirm: 'yes' }), { templateId: id })))
    expect(deleted instanceof Response && deleted.status).toBe(404)
    expect(await templateNamed(name)).toBeDefined()
    const applied = await call(() => applyLoader(routeArgs(get(`${path}/apply`, otherCentre.client), { templateId: id })))
    expect(applied instanceof Response && applied.status).toBe(404)
    const listRefused = await call(() => templatesLoader(routeArgs(get('/tasks/templates', scheme.client))))
    expect(listRefused instanceof Response && listRefused.status).toBe(403)
    const createRefused = await call(() => newAction(routeArgs(post('/tasks/templates/new', scheme.client, templateForm(uniqueTitle('Partner'), cardSteps)))))
    expect(createRefused instanceof Response && createRefused.status).toBe(403)
  })

  test('the empty list offers the card payment example, and the form starts from it', async () => {
    const fresh = await member({ kind: 'national_centre', roles: ['staff'] })
    const html = await renderPage('/tasks/templates', fresh.client, { pattern: 'tasks/templates', loader: templatesLoader, Component: TemplatesPage })
    for (const text of ['Card payment disruption', 'Notify the card scheme', 'Investigate and terminate the merchant', 'Confirm the MATCH listing', 'Start from this example']) {
      expect(html).toContain(text)
    }
    expect(rawKeys(html)).toEqual([])
    // The example is written out in the reader's language (here chosen with the language cookie).
    const french = withCookie(fresh.client, await localeCookie.serialize('fr'))
    const form = await renderPage('/tasks/templates/new?example=card-payment', french, { pattern: 'tasks/templates/new', loader: newLoader, Component: NewTemplate }, { language: 'fr' })
    expect(form).toContain('Coupure des paiements par carte')
    expect(form).toContain('Avertir le réseau de cartes')
    expect(rawKeys(form)).toEqual([])
  })
})

describe('applying a playbook', () => {
  let templateId: string
  let initiative: { id: string; title: string }

  beforeAll(async () => {
    const name = uniqueTitle('Apply me')
    await createTemplate(centre.client, name)
    templateId = String((await templateNamed(name))?._id)
    initiative = await createInitiative(centre.organisation.id, [otherScheme.organisation.id, acquirer.organisation.id])
  })

  const applyPath = () => `/tasks/templates/${templateId}/apply`
  const apply = async (client: Client, fields: Record<string, string | string[]>) =>
    outcome(await call(() => applyAction(routeArgs(post(applyPath(), client, { submission: randomUUID(), tlp: 'AMBER', ...fields }), { templateId }))))

  test('with an initiative chosen, its participants of each step’s kind are offered first', async () => {
    const without = await call(() => applyLoader(routeArgs(get(applyPath(), centre.client), { templateId })))
    if (without instanceof Response) throw new Error('expected the form')
    expect(without.steps[0]?.participants).toEqual([])
    expect(without.steps[0]?.others.map((organisation) => organisation.id)).toEqual(expect.arrayContaining([scheme.organisation.id, otherScheme.organisation.id]))
    expect(without.steps[0]?.others.every((organisation) => organisation.kind === 'card_scheme')).toBe(true)
    expect(without.steps[1]?.others.every((organisation) => organisation.kind === 'acquirer_processor')).toBe(true)

    const withInitiative = await call(() => applyLoader(routeArgs(get(`${applyPath()}?initiative=${initiative.id}`, centre.client), { templateId })))
    if (withInitiative instanceof Response) throw new Error('expected the form')
    expect(withInitiative.initiativeId).toBe(initiative.id)
    expect(withInitiative.steps[0]?.participants.map((organisation) => organisation.id)).toEqual([otherScheme.organisation.id])
    expect(withInitiative.steps[1]?.participants.map((organisation) => organisation.id)).toEqual([acquirer.organisation.id])
    expect(withInitiative.steps[0]?.others.map((organisation) => organisation.id)).not.toContain(otherScheme.organisation.id)

    const html = await renderPage(`${applyPath()}?initiative=${initiative.id}`, centre.client, { pattern: 'tasks/templates/:templateId/apply', loader: applyLoader, Component: ApplyPage })
    expect(html).toContain('Taking part in the initiative')
    expect(html).toContain(`<option value="${otherScheme.organisation.id}" selected="">`)
    expect(rawKeys(html)).toEqual([])
  })

  test('creates one task per chosen step for the chosen organisation, due by the step, grouped and audited', async () => {
    const before = Date.now()
    const result = await apply(centre.client, { initiativeId: initiative.id, organisationIds: [otherScheme.organisation.id, acquirer.organisation.id, ''] })
    expect(result.status).toBe(302)
    const assignment = /assignment=([a-f\d]{24})/.exec(result.location ?? '')?.[1]
    expect(assignment).toBeDefined()
    const tasks = await collection('tasks')
      .find({ assignmentId: oid(assignment!) })
      .sort({ _id: 1 })
      .toArray()
    expect(tasks.map((task) => [task.title, String(task.assigneeOrganisationId), task.priority, task.status])).toEqual([
      ['Notify the card scheme', otherScheme.organisation.id, 'high', 'assigned'],
      ['Terminate the merchant', acquirer.organisation.id, 'urgent', 'assigned'],
    ])
    expect(Math.abs((tasks[0]?.dueAt as Date).getTime() - (before + 2 * DAY))).toBeLessThan(60_000)
    expect(Math.abs((tasks[1]?.dueAt as Date).getTime() - (before + 10 * DAY))).toBeLessThan(60_000)
    expect(tasks.every((task) => String(task.initiativeId) === initiative.id && String(task.ownerCentreId) === centre.organisation.id && task.tlp === 'AMBER')).toBe(true)
    expect(tasks[0]?.timeline[0].reason).toMatch(/^Playbook “.*Apply me.*”, step 1 of 3$/)
    expect(tasks[1]?.timeline[0].reason).toMatch(/step 2 of 3$/)
    const audit = await collection('auditevents').find({ action: 'template.applied', targetId: templateId }).toArray()
    expect(audit).toHaveLength(1)
    expect(audit[0]?.details).toMatchObject({ tasks: 2, steps: 3, assignmentId: assignment })
    // Each partner was told, as for any new task.
    const notices = await collection('notifications').find({ taskId: { $in: tasks.map((task) => task._id) } }).toArray()
    expect(notices.map((notice) => String(notice.userId)).sort()).toEqual([otherScheme.user.id, acquirer.user.id].sort())
  })

  test('an organisation of the wrong kind is refused on its step, and nothing is created', async () => {
    const count = await collection('tasks').countDocuments({ ownerCentreId: oid(centre.organisation.id) })
    const result = await apply(centre.client, { organisationIds: [scheme.organisation.id, scheme.organisation.id, ''] })
    expect(result.status).toBe(400)
    expect((result.body as { errors: Record<string, string[]> }).errors['step.1']).toEqual(['tasks:errors.invalidAssignee'])
    const nothing = await apply(centre.client, { organisationIds: ['', '', ''] })
    expect(nothing.status).toBe(400)
    expect((nothing.body as { errors: Record<string, string[]> }).errors.form).toEqual(['tasks:errors.nothingToApply'])
    const ownCentre = await apply(centre.client, { organisationIds: [centre.organisation.id, '', ''] })
    expect(ownCentre.status).toBe(400)
    const foreignInitiative = await createInitiative((await member({ kind: 'national_centre', roles: ['staff'] })).organisation.id)
    const refused = await apply(centre.client, { initiativeId: foreignInitiative.id, organisationIds: [scheme.organisation.id, '', ''] })
    expect(refused.status).toBe(400)
    expect((refused.body as { errors: Record<string, string[]> }).errors.initiativeId).toEqual(['tasks:errors.invalidInitiative'])
    expect(await collection('tasks').countDocuments({ ownerCentreId: oid(centre.organisation.id) })).toBe(count)
  })

  test('the same form sent twice applies the playbook once', async () => {
    const submission = randomUUID()
    const first = await apply(centre.client, { submission, organisationIds: [scheme.organisation.id, '', ''] })
    const second = await apply(centre.client, { submission, organisationIds: [scheme.organisation.id, '', ''] })
    expect(first.status).toBe(302)
    expect(second.location).toBe('/tasks?view=owned')
    const assignment = /assignment=([a-f\d]{24})/.exec(first.location ?? '')?.[1]
    expect(await collection('tasks').countDocuments({ assignmentId: oid(assignment!) })).toBe(1)
    expect(await collection('tasks').countDocuments({ title: 'Notify the card scheme', assigneeOrganisationId: oid(scheme.organisation.id) })).toBe(1)
  })

  test('a colleague at the same centre may apply it; a partner may not', async () => {
    const coordinator = await colleague(centre.organisation.id, ['coordinator'])
    expect((await apply(coordinator.client, { organisationIds: ['', acquirer.organisation.id, ''] })).status).toBe(302)
    expect((await apply(acquirer.client, { organisationIds: ['', acquirer.organisation.id, ''] })).status).toBe(403)
  })
})
