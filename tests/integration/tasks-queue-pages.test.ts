import { beforeAll, describe, expect, test } from 'vitest'
import TaskList, { action as listAction, loader as listLoader } from '~/routes/tasks._index'
import { createTasks } from '~/tasks/tasks.server'
import { localeCookie } from '~/utils/i18next.server'
import { withCookie } from '../support/requests'
import { collection, DAY, member, rawKeys, renderPage, storedTask, uniqueTitle } from './tasks-queue-support'

type Member = Awaited<ReturnType<typeof member>>
let centre: Member
let partner: Member
let overdueTitle: string
let assignedTitle: string

const page = { pattern: 'tasks', loader: listLoader, action: listAction, Component: TaskList }

beforeAll(async () => {
  centre = await member({ kind: 'national_centre', roles: ['staff'] })
  partner = await member({ kind: 'bank' })
  overdueTitle = uniqueTitle('Late merchant review')
  assignedTitle = uniqueTitle('Fresh descriptor check')
  await collection('tasks').insertOne(
    storedTask({
      ownerCentreId: centre.organisation.id,
      assigneeOrganisationId: partner.organisation.id,
      createdBy: centre.user.id,
      title: overdueTitle,
      status: 'in_progress',
      tlp: 'AMBER+STRICT',
      dueAt: new Date(Date.now() - 3.5 * DAY),
    }),
  )
  await createTasks(centre.viewer, { title: assignedTitle, assigneeOrganisationIds: [partner.organisation.id], priority: 'urgent' })
})

describe('the task list renders', () => {
  test('for a partner: its queue, overdue highlighted with the days, TLP badges, and the bulk acknowledgement', async () => {
    const html = await renderPage('/tasks', partner.client, page)
    for (const text of ["Our organisation's tasks", 'Assigned to me', overdueTitle, assignedTitle, '4 days overdue', 'TLP:AMBER+STRICT', 'Acknowledge selected', centre.organisation.legalName]) {
      expect(html).toContain(text.replace("'", '&#x27;'))
    }
    expect(html).toContain('border-l-red-600')
    expect(html).toContain('name="ids"')
    expect(html).not.toContain('New task')
    expect(rawKeys(html)).toEqual([])
  })

  test('after a bulk acknowledgement, each task’s outcome is shown', async () => {
    const list = await renderPage('/tasks', partner.client, { ...page, action: undefined })
    const ids = [...list.matchAll(/name="ids"[^>]*value="([a-f\d]{24})"/g)].map((match) => match[1] ?? '')
    expect(ids.length).toBeGreaterThan(0)
    const html = await renderPage('/tasks?index', partner.client, page, { form: { intent: 'acknowledge', ids: [...ids, '0123456789abcdef01234567'] } })
    expect(html).toContain(`${ids.length} of ${ids.length + 1} tasks acknowledged.`)
    expect(html).toContain('not found, or not shared with you')
    expect(rawKeys(html)).toEqual([])
  })

  test('for a centre, in Russian: tasks it owns, grouped by partner organisation', async () => {
    const russian = withCookie(centre.client, await localeCookie.serialize('ru'))
    const html = await renderPage('/tasks', russian, page, { language: 'ru' })
    for (const text of ['Наши задачи', 'По организациям-партнёрам', partner.organisation.legalName, 'Новая задача', 'Просрочена на 4 дня']) {
      expect(html).toContain(text)
    }
    expect(html).not.toContain('name="ids"')
    expect(rawKeys(html)).toEqual([])
  })

  test('empty states say why the list is empty', async () => {
    const newcomer = await member({ kind: 'isp' })
    const empty = await renderPage('/tasks', newcomer.client, page)
    expect(empty).toContain('No task has been assigned to your organisation yet.')
    const filtered = await renderPage('/tasks?q=nothing-like-this', partner.client, page, { language: 'fr' })
    expect(filtered).toContain('Aucune tâche ne correspond à ces filtres.')
    expect(filtered).toContain('Effacer les filtres')
  })
})
