import mongoose from 'mongoose'
import { describe, expect, test } from 'vitest'
import { renderTaskMarkdown } from '~/tasks/markdown.server'
import { createTasks, submitReport, transitionTask } from '~/tasks/tasks.server'
import { createTestUser } from '../factories/users'
import { anonymousClient, signedInClient } from '../support/requests'
import {
  centreAndPartner,
  collection,
  createTask,
  member,
  openTask,
  postTask,
  renderTaskPage,
  taskPage,
} from './task-detail-support'

const DAY = 24 * 60 * 60 * 1000

describe('opening a task', () => {
  test('unknown, malformed and other organisations’ task addresses answer 404, never 500', async () => {
    const { centre, partner } = await centreAndPartner()
    const stranger = await member({ kind: 'bank' })
    const id = await createTask(centre, partner.organisation.id)
    const missing = new mongoose.Types.ObjectId().toHexString()
    for (const address of [missing, 'not-an-id', '123', `${id}x`, 'null', '%00', id.toUpperCase().replace(/[A-F]/g, 'G')]) {
      expect(((await openTask(centre.client, address)) as Response).status, address).toBe(404)
      expect((await postTask(centre.client, address, { intent: 'comment', body: 'hello' })).status, address).toBe(404)
    }
    expect(((await openTask(stranger.client, id)) as Response).status).toBe(404)
    // People without task access at the owning centre (its data-protection officer) get the same answer.
    const dpo = await createTestUser({ organisationId: centre.organisation.id, roles: ['dpo'] })
    expect(((await openTask(await signedInClient(dpo), id)) as Response).status).toBe(404)
  })

  test('signed-out visitors are sent to sign in, and come back here afterwards', async () => {
    const { centre, partner } = await centreAndPartner()
    const id = await createTask(centre, partner.organisation.id)
    const answer = (await openTask(await anonymousClient(), id)) as Response
    expect(answer.status).toBe(302)
    expect(answer.headers.get('location')).toBe(`/login?redirectTo=%2Ftasks%2F${id}`)
  })

  test('the header: label, state, priority, due date (overdue in days), both organisations, person, initiative', async () => {
    const { centre, partner } = await centreAndPartner()
    const initiative = await collection('initiatives').insertOne({
      title: 'Operation Ledger',
      purpose: 'Take commercial abuse sites off card payments',
      leadCentreId: new mongoose.Types.ObjectId(centre.organisation.id),
      participantIds: [],
      status: 'active',
      tlp: 'AMBER',
    })
    const id = await createTask(centre, partner.organisation.id, {
      tlp: 'AMBER+STRICT',
      priority: 'urgent',
      dueAt: new Date(Date.now() - 3 * DAY + 60_000),
      assigneeUserId: partner.user.id,
      initiativeId: initiative.insertedId.toHexString(),
    })

    const { task } = await taskPage(centre.client, id)
    expect(task).toMatchObject({
      title: 'Terminate the merchant behind the test purchase',
      tlp: 'AMBER+STRICT',
      status: 'assigned',
      priority: 'urgent',
      overdueDays: 3,
      side: 'centre',
      ownerCentre: { id: centre.organisation.id, name: centre.organisation.legalName },
      assignee: { id: partner.organisation.id, name: partner.organisation.legalName, personName: partner.user.name },
      initiative: { id: initiative.insertedId.toHexString(), title: 'Operation Ledger' },
      createdByName: centre.user.name,
      assignmentSize: null,
    })
    // The partner does not take part in the initiative: it learns there is one, not its name.
    const partnerView = (await taskPage(partner.client, id)).task
    expect(partnerView.initiative).toEqual({ id: initiative.insertedId.toHexString(), title: null })
    expect(partnerView.overdueDays).toBe(3)

    // Once the partner has reported, the task no longer waits for it: not overdue.
    await transitionTask(partner.viewer, id, 'acknowledge')
    await submitReport(partner.viewer, id, [{ type: 'no_relationship_found', quantity: 1, actionDate: new Date() }])
    expect((await taskPage(centre.client, id)).task.overdueDays).toBeNull()
  })

  test('tasks assigned together: the centre sees the group, each partner only its own copy', async () => {
    const centre = await member({ kind: 'national_centre' })
    const first = await member({ kind: 'card_scheme' })
    const second = await member({ kind: 'acquirer_processor' })
    const { ids } = await createTasks(centre.viewer, { title: 'Resolve the acquirer', assigneeOrganisationIds: [first.organisation.id, second.organisation.id] })
    const [a, b] = ids as [string, string]
    expect((await taskPage(centre.client, a)).task.assignmentSize).toBe(2)
    expect((await taskPage(first.client, a)).task.assignmentSize).toBeNull()
    expect(((await openTask(first.client, b)) as Response).status).toBe(404)
    expect(((await openTask(second.client, a)) as Response).status).toBe(404)
  })

  test('a TLP:RED task is only for the people named on it', async () => {
    const { centre, partner } = await centreAndPartner()
    const colleague = await createTestUser({ organisationId: partner.organisation.id, roles: ['member'] })
    const id = await createTask(centre, partner.organisation.id, { tlp: 'RED', assigneeUserId: partner.user.id })
    expect((await taskPage(partner.client, id)).task.tlp).toBe('RED')
    expect(((await openTask(await signedInClient(colleague), id)) as Response).status).toBe(404)
  })
})

describe('the description', () => {
  test('Markdown is rendered without raw HTML, clickable links or images', () => {
    const html = renderTaskMarkdown(
      [
        '# Test purchase',
        'Bought at [the shop](https://shop.example/buy?x=1) and <https://pay.example/checkout> or http://bare.example.',
        '<script>alert(1)</script><img src="https://tracker.example/p.gif" onerror="alert(2)"><a href="https://evil.example">x</a>',
        '![screenshot](https://images.example/abuse.png) [run](javascript:alert(3)) [data](data:text/html;base64,PHNjcmlwdD4=)',
        '**bold** and `code`',
      ].join('\n\n'),
    )
    expect(html).toContain('<h3>Test purchase</h3>')
    expect(html).toContain('<strong>bold</strong>')
    expect(html).toContain('the shop <span class="task-link-target">(https://shop.example/buy?x=1)</span>')
    expect(html).toContain('https://pay.example/checkout')
    expect(html).toContain('&lt;script&gt;')
    // Raw HTML survives only as visible, escaped text: no element, no attribute.
    expect(html).toContain('&lt;img src=&quot;https://tracker.example/p.gif&quot;')
    expect(html).not.toMatch(/<(a|img|script|iframe)\b/i)
    expect(html).not.toMatch(/\s(href|src|onerror)="/i)
    expect(html).not.toContain('https://images.example/abuse.png')
    expect(renderTaskMarkdown('   ')).toBe('')
  })

  test('the page carries the safe rendering, never the raw text as HTML', async () => {
    const { centre, partner } = await centreAndPartner()
    const id = await createTask(centre, partner.organisation.id, { description: 'See <b onclick="x()">this</b> and [site](https://evil.example)' })
    const { task } = await taskPage(partner.client, id)
    expect(task.descriptionHtml).toContain('&lt;b onclick=&quot;x()&quot;&gt;')
    expect(task.descriptionHtml).not.toContain('<a')
    const html = await renderTaskPage(partner.client, id)
    expect(html).not.toContain('href="https://evil.example"')
    expect(html).toContain('(https://evil.example)')
  })
})

describe('the page', () => {
  test('the partner sees its steps and the report form; the TLP label and its meaning; no centre controls', async () => {
    const { centre, partner } = await centreAndPartner()
    const id = await createTask(centre, partner.organisation.id, { tlp: 'AMBER+STRICT', dueAt: new Date(Date.now() - 2 * DAY + 60_000) })
    await postTask(centre.client, id, { intent: 'comment', body: 'Internal: escalate if no answer by Friday.' })

    let html = await renderTaskPage(partner.client, id)
    for (const text of ['TLP:AMBER+STRICT', 'Only the owning centre and the assigned organisation may see this task', 'Assigned', '2 days overdue', 'Acknowledge', 'Decline', 'Not applicable']) {
      expect(html, text).toContain(text)
    }
    for (const text of ['Verify report', 'Cancel task', 'Internal — not visible to the partner', 'escalate if no answer', 'name="visibility"', 'Report your actions']) {
      expect(html, text).not.toContain(text)
    }

    await transitionTask(partner.viewer, id, 'acknowledge')
    html = await renderTaskPage(partner.client, id)
    expect(html).toContain('Report your actions')
    // Without JavaScript, three empty rows are offered.
    expect(html).toContain('name="actions.2.type"')
    expect(html).not.toContain('name="actions.3.type"')
    expect(html).toContain('13 — Illegal transactions')
    expect(html).toContain('03 — Laundering')
    expect(rawKeys(html)).toEqual([])
  })

  test('the centre sees internal comments marked as such, its own steps, and a confirmation step to cancel', async () => {
    const { centre, partner } = await centreAndPartner()
    const id = await createTask(centre, partner.organisation.id)
    await postTask(centre.client, id, { intent: 'comment', body: 'Internal: escalate if no answer by Friday.' })
    await postTask(centre.client, id, { intent: 'comment', body: 'Shared: please answer by Friday.', visibility: 'shared' })

    let html = await renderTaskPage(centre.client, id)
    expect(html).toContain('Internal — not visible to the partner')
    expect(html).toContain('Shared with the assigned organisation')
    expect(html).toContain('name="visibility"')
    expect(html).toContain('Cancel task…')
    expect(html).not.toContain('Acknowledge</button>')
    expect(html).not.toContain('Yes, cancel this task.')
    expect(html).toContain('Nothing to do for now: the task waits for')
    html = await renderTaskPage(centre.client, id, 'en', '?confirm=cancel')
    expect(html).toContain('Yes, cancel this task.')
    expect(rawKeys(html)).toEqual([])

    await postTask(centre.client, id, { intent: 'transition', transition: 'cancel', confirm: 'on' })
    html = await renderTaskPage(centre.client, id)
    expect(html).toContain('This task is finished; nothing more can be done on it.')
    expect(html).not.toContain('Cancel task…')
  })

  test('in French and Russian, too', async () => {
    const { centre, partner } = await centreAndPartner()
    const id = await createTask(centre, partner.organisation.id, { dueAt: new Date(Date.now() - 5 * DAY + 60_000) })
    const french = await renderTaskPage(partner.client, id, 'fr')
    expect(french).toContain('En retard de 5 jours')
    expect(french).toContain('Accuser réception')
    const russian = await renderTaskPage(partner.client, id, 'ru')
    expect(russian).toContain('Просрочена на 5 дней')
    expect(russian).toContain('Подтвердить получение')
    expect(rawKeys(french)).toEqual([])
    expect(rawKeys(russian)).toEqual([])
  })
})

/** Untranslated keys show up as their dotted names. */
function rawKeys(html: string) {
  return html.match(/\b(header|actions|report|reports|timeline|comments|statuses|priorities|tlp|errors|description|breadcrumb|matchCodes|actionTypes)\.[a-zA-Z.]+\b/g) ?? []
}
