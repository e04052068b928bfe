import { beforeAll, describe, expect, test } from 'vitest'
import { taskPriorities, type TaskPriority, type TaskStatus } from '~/domain/vocabulary'
import { prioritiesByUrgency, type TaskRow, type TaskSort } from '~/tasks/forms'
import { listTasks, parseTaskListQuery } from '~/tasks/queues.server'
import { createTasks, transitionTask } from '~/tasks/tasks.server'
import {
  colleague,
  collection,
  createInitiative,
  DAY,
  listFor,
  member,
  oid,
  postBulk,
  storedTask,
  uniqueTitle,
} from './tasks-queue-support'

type Member = Awaited<ReturnType<typeof member>>

let centre: Member
let partner: Member
let other: Member

beforeAll(async () => {
  centre = await member({ kind: 'national_centre', roles: ['staff'] })
  partner = await member({ kind: 'bank' })
  other = await member({ kind: 'bank' })
})

const titles = (rows: { title: string }[]) => rows.map((row) => row.title)

async function assign(title: string, organisationId: string, extra: Partial<Parameters<typeof createTasks>[1]> = {}) {
  const { ids } = await createTasks(centre.viewer, { title, assigneeOrganisationIds: [organisationId], ...extra })
  return ids[0]!
}

describe('who sees which task in the lists', () => {
  test('a second partner organisation never sees the task: not in its list, not in its counts', async () => {
    const title = uniqueTitle('Scoped')
    await assign(title, partner.organisation.id)
    const mine = await listFor(partner.client, `?q=${encodeURIComponent(title)}`)
    expect(titles(mine.items)).toEqual([title])
    expect(mine.counts).toEqual({ assigned: 1 })
    const theirs = await listFor(other.client, `?q=${encodeURIComponent(title)}`)
    expect(theirs.items).toEqual([])
    expect(theirs.counts).toEqual({})
    expect(theirs.total).toBe(0)
    // Not through another view either.
    expect((await listFor(other.client, `?view=owned&q=${encodeURIComponent(title)}`)).items).toEqual([])
  })

  test('the unfiltered counts of another organisation do not move when a task is assigned elsewhere', async () => {
    const before = (await listFor(other.client)).counts
    await assign(uniqueTitle('Elsewhere'), partner.organisation.id)
    expect((await listFor(other.client)).counts).toEqual(before)
  })

  test('drafts stay with the centre', async () => {
    const title = uniqueTitle('Draft')
    await assign(title, partner.organisation.id, { draft: true })
    expect((await listFor(partner.client, `?q=${encodeURIComponent(title)}`)).items).toEqual([])
    expect((await listFor(partner.client, `?status=draft`)).counts.draft).toBeUndefined()
    const owned = await listFor(centre.client, `?view=owned&q=${encodeURIComponent(title)}`)
    expect(owned.items.map((row) => row.status)).toEqual(['draft'])
  })

  test('a TLP:RED task is listed only for the people named on it', async () => {
    const named = await colleague(partner.organisation.id, ['member'])
    const bystander = await colleague(partner.organisation.id, ['member'])
    const centreColleague = await colleague(centre.organisation.id, ['staff'])
    const title = uniqueTitle('Red')
    await assign(title, partner.organisation.id, { tlp: 'RED', assigneeUserId: named.user.id })
    const search = `?q=${encodeURIComponent(title)}`
    expect(titles((await listFor(named.client, search)).items)).toEqual([title])
    expect(titles((await listFor(named.client, `?view=mine&q=${encodeURIComponent(title)}`)).items)).toEqual([title])
    expect((await listFor(bystander.client, search)).items).toEqual([])
    expect((await listFor(bystander.client, search)).counts).toEqual({})
    expect((await listFor(partner.client, search)).items).toEqual([])
    expect(titles((await listFor(centre.client, `?view=owned&q=${encodeURIComponent(title)}`)).items)).toEqual([title])
    expect((await listFor(centreColleague.client, `?view=owned&q=${encodeURIComponent(title)}`)).items).toEqual([])
  })

  test('"assigned to me" lists only the viewer’s own tasks', async () => {
    const person = await colleague(partner.organisation.id, ['member'])
    const title = uniqueTitle('Personal')
    await assign(`${title} for them`, partner.organisation.id, { assigneeUserId: person.user.id })
    await assign(`${title} for all`, partner.organisation.id)
    const mine = await listFor(person.client, `?view=mine&q=${encodeURIComponent(title)}`)
    expect(titles(mine.items)).toEqual([`${title} for them`])
    expect(mine.items[0]).toMatchObject({ assignedToViewer: true })
    const all = await listFor(person.client, `?view=assigned&q=${encodeURIComponent(title)}`)
    expect(titles(all.items).sort()).toEqual([`${title} for all`, `${title} for them`])
  })

  test('views follow the side: partners have their organisation’s queue and their own, centres the tasks they own', async () => {
    expect((await listFor(partner.client)).views).toEqual(['assigned', 'mine'])
    expect((await listFor(partner.client, '?view=owned')).view).toBe('assigned')
    const owned = await listFor(centre.client)
    expect(owned.views).toEqual(['owned', 'assigned'])
    expect(owned.view).toBe('owned')
  })
})

describe('keyset paging', () => {
  let queue: Member
  const total = 63
  const ids: string[] = []

  beforeAll(async () => {
    queue = await member({ kind: 'payment_service' })
    const now = Date.now()
    const statuses: TaskStatus[] = ['assigned', 'acknowledged', 'in_progress', 'reported', 'closed']
    const docs = Array.from({ length: total }, (_, i) =>
      storedTask({
        ownerCentreId: centre.organisation.id,
        assigneeOrganisationId: queue.organisation.id,
        createdBy: centre.user.id,
        title: `Paged ${String(i).padStart(2, '0')}`,
        status: statuses[i % statuses.length],
        priority: taskPriorities[(i * 7) % 4],
        // Many ties on every key, so that only the _id tie-break keeps the order total.
        dueAt: new Date(now + (i % 9) * DAY),
        statusChangedAt: new Date(now - (i % 5) * DAY),
        createdAt: new Date(now - (i % 4) * DAY),
      }),
    )
    const { insertedIds } = await collection('tasks').insertMany(docs)
    ids.push(...Object.values(insertedIds).map(String))
  })

  const viewerQuery = (search: string) => parseTaskListQuery(new URLSearchParams(search))

  /** Every page from the first, following `next`; with the cursor that led to each page after the first. */
  async function walk(sort: TaskSort, dir: 'asc' | 'desc') {
    const pages: TaskRow[][] = []
    const cursors: string[] = []
    let cursor: string | null = null
    for (let guard = 0; guard < 10; guard++) {
      const page = await listTasks(queue.viewer, viewerQuery(`sort=${sort}&dir=${dir}${cursor ? `&after=${cursor}` : ''}`))
      if (!page) throw new Error('no list')
      pages.push(page.items)
      if (guard === 0) expect(page.previous).toBeNull()
      if (!page.next) break
      cursor = page.next
      cursors.push(cursor)
    }
    return { pages, cursors }
  }

  const urgency = (priority: TaskPriority) => prioritiesByUrgency.indexOf(priority)
  const byId = (a: TaskRow, b: TaskRow) => a.id.localeCompare(b.id)
  const expectedOrder: Record<string, (a: TaskRow, b: TaskRow) => number> = {
    'due asc': (a, b) => a.dueAt.localeCompare(b.dueAt) || byId(a, b),
    'due desc': (a, b) => b.dueAt.localeCompare(a.dueAt) || byId(b, a),
    // Most urgent first; inside one priority, soonest due first either way.
    'priority desc': (a, b) => urgency(a.priority) - urgency(b.priority) || a.dueAt.localeCompare(b.dueAt) || byId(a, b),
    'priority asc': (a, b) => urgency(b.priority) - urgency(a.priority) || a.dueAt.localeCompare(b.dueAt) || byId(a, b),
    'changed desc': (a, b) => b.statusChangedAt.localeCompare(a.statusChangedAt) || byId(b, a),
    'changed asc': (a, b) => a.statusChangedAt.localeCompare(b.statusChangedAt) || byId(a, b),
    'created desc': (a, b) => b.createdAt.localeCompare(a.createdAt) || byId(b, a),
    'created asc': (a, b) => a.createdAt.localeCompare(b.createdAt) || byId(a, b),
  }

  const cases: [TaskSort, 'asc' | 'desc'][] = [
    ['due', 'asc'],
    ['due', 'desc'],
    ['priority', 'desc'],
    ['priority', 'asc'],
    ['changed', 'desc'],
    ['changed', 'asc'],
    ['created', 'desc'],
    ['created', 'asc'],
  ]

  test.each(cases)('sorted by %s (%s), every task appears exactly once, in order, forwards and backwards', async (sort, dir) => {
    const { pages, cursors } = await walk(sort, dir)
    expect(pages.map((page) => page.length)).toEqual([25, 25, 13])
    const rows = pages.flat()
    expect(rows.map((row) => row.id).sort()).toEqual([...ids].sort())
    const order = expectedOrder[`${sort} ${dir}`]!
    expect(rows.map((row) => row.id)).toEqual([...rows].sort(order).map((row) => row.id))

    // Back from the last page with `before` cursors gives the same pages, in the same order.
    const last = await listTasks(queue.viewer, viewerQuery(`sort=${sort}&dir=${dir}&after=${cursors[1]}`))
    if (!last) throw new Error('no list')
    expect(last.items.map((row) => row.id)).toEqual(pages[2]!.map((row) => row.id))
    expect(last.next).toBeNull()
    const back: TaskRow[][] = [last.items]
    let before = last.previous
    for (let guard = 0; before && guard < 10; guard++) {
      const page = await listTasks(queue.viewer, viewerQuery(`sort=${sort}&dir=${dir}&before=${before}`))
      if (!page) throw new Error('no list')
      back.unshift(page.items)
      before = page.previous
    }
    expect(back.map((page) => page.map((row) => row.id))).toEqual(pages.map((page) => page.map((row) => row.id)))
  })

  test('a cursor that is not ours starts over at the first page', async () => {
    const first = await listTasks(queue.viewer, viewerQuery('sort=due'))
    const garbage = await listTasks(queue.viewer, viewerQuery('sort=due&after=not-a-cursor'))
    expect(garbage?.items.map((row) => row.id)).toEqual(first?.items.map((row) => row.id))
  })

  test('a cursor of one sort used with another starts over rather than skipping tasks', async () => {
    const byPriority = await listTasks(queue.viewer, viewerQuery('sort=priority'))
    const first = await listTasks(queue.viewer, viewerQuery('sort=due'))
    const mixed = await listTasks(queue.viewer, viewerQuery(`sort=due&after=${byPriority?.next}`))
    expect(mixed?.items.map((row) => row.id)).toEqual(first?.items.map((row) => row.id))
  })
})

describe('filters', () => {
  let queue: Member
  let initiative: { id: string; title: string }

  beforeAll(async () => {
    queue = await member({ kind: 'crypto_exchange' })
    initiative = await createInitiative(centre.organisation.id, [queue.organisation.id])
    const now = Date.now()
    const base = { ownerCentreId: centre.organisation.id, assigneeOrganisationId: queue.organisation.id, createdBy: centre.user.id }
    await collection('tasks').insertMany([
      storedTask({ ...base, title: 'Overdue wallet screening', status: 'in_progress', priority: 'high', dueAt: new Date(now - 3.5 * DAY) }),
      storedTask({ ...base, title: 'Closed late one', status: 'closed', priority: 'high', dueAt: new Date(now - 5 * DAY) }),
      storedTask({ ...base, title: 'Due soon exchange check', status: 'assigned', priority: 'urgent', dueAt: new Date(now + 2 * DAY), initiativeId: initiative.id }),
      storedTask({ ...base, title: 'Later review', status: 'acknowledged', priority: 'low', dueAt: new Date(now + 20 * DAY), initiativeId: initiative.id }),
    ])
  })

  test('status (several at once), with counts per status for the other filters', async () => {
    const page = await listFor(queue.client, '?status=in_progress&status=acknowledged')
    expect(titles(page.items).sort()).toEqual(['Later review', 'Overdue wallet screening'])
    expect(page.counts).toEqual({ in_progress: 1, closed: 1, assigned: 1, acknowledged: 1 })
    expect(page.total).toBe(2)
    expect(page.state.status).toEqual(['in_progress', 'acknowledged'])
  })

  test('overdue: open tasks past their due date, with the days counted', async () => {
    const page = await listFor(queue.client, '?due=overdue')
    expect(titles(page.items)).toEqual(['Overdue wallet screening'])
    expect(page.items[0]).toMatchObject({ overdueDays: 4 })
    expect(page.counts).toEqual({ in_progress: 1 })
    const all = await listFor(queue.client)
    expect(all.items.find((row) => row.title === 'Closed late one')?.overdueDays).toBe(0)
  })

  test('due within 7 days, priority, initiative and title search', async () => {
    expect(titles((await listFor(queue.client, '?due=week')).items)).toEqual(['Due soon exchange check'])
    expect(titles((await listFor(queue.client, '?priority=high')).items).sort()).toEqual(['Closed late one', 'Overdue wallet screening'])
    const byInitiative = await listFor(queue.client, `?initiative=${initiative.id}`)
    expect(titles(byInitiative.items).sort()).toEqual(['Due soon exchange check', 'Later review'])
    expect(byInitiative.items[0]?.initiative?.title).toBe(initiative.title)
    expect(byInitiative.options.initiatives.map((option) => option.id)).toContain(initiative.id)
    expect(titles((await listFor(queue.client, '?q=WALLET')).items)).toEqual(['Overdue wallet screening'])
    // A regular-expression character is searched for as itself.
    expect((await listFor(queue.client, '?q=.*')).items).toEqual([])
  })

  test('centres filter by partner organisation and by assignment, and see open tasks grouped', async () => {
    const byPartner = await listFor(centre.client, `?view=owned&partner=${queue.organisation.id}`)
    expect(byPartner.items).toHaveLength(4)
    expect(byPartner.items.every((row) => row.counterpart.id === queue.organisation.id && row.counterpart.name === queue.organisation.legalName)).toBe(true)
    expect(byPartner.options.organisations.map((option) => option.id)).toContain(queue.organisation.id)
    const group = byPartner.groups?.byOrganisation.find((row) => row.id === queue.organisation.id)
    expect(group).toMatchObject({ open: 3, overdue: 1, name: queue.organisation.legalName })
    expect(byPartner.groups?.byInitiative.find((row) => row.id === initiative.id)).toMatchObject({ open: 2, title: initiative.title })

    const third = await member({ kind: 'bank' })
    const title = uniqueTitle('Grouped')
    const { assignmentId } = await createTasks(centre.viewer, { title, assigneeOrganisationIds: [queue.organisation.id, third.organisation.id, partner.organisation.id] })
    const grouped = await listFor(centre.client, `?view=owned&assignment=${assignmentId}`)
    expect(titles(grouped.items)).toEqual([title, title, title])
    expect(grouped.items.map((row) => row.assignment?.size)).toEqual([3, 3, 3])
    expect(grouped.items.map((row) => row.assignment?.position).sort()).toEqual([1, 2, 3])
    // The partner is not told how many others received the same task.
    const partnerSide = await listFor(queue.client, `?q=${encodeURIComponent(title)}`)
    expect(partnerSide.items[0]?.assignment).toBeNull()
  })

  test('malformed filters are ignored rather than refused', async () => {
    const page = await listFor(queue.client, '?status=nonsense&priority=extreme&due=yesterday&initiative=123&sort=random&dir=sideways')
    const unfiltered = await listFor(queue.client)
    expect(page.items.map((row) => row.id)).toEqual(unfiltered.items.map((row) => row.id))
    expect(page.items.length).toBeGreaterThanOrEqual(4)
    expect(page.state).toMatchObject({ status: [], priority: '', due: 'any', initiative: '', sort: 'due', dir: 'asc' })
  })
})

describe('acknowledging several tasks at once', () => {
  test('each selected task is acknowledged or refused with its reason', async () => {
    const first = await assign(uniqueTitle('Bulk one'), partner.organisation.id)
    const second = await assign(uniqueTitle('Bulk two'), partner.organisation.id)
    const already = await assign(uniqueTitle('Bulk already'), partner.organisation.id)
    await transitionTask(partner.viewer, already, 'acknowledge')
    const foreign = await assign(uniqueTitle('Bulk foreign'), other.organisation.id)
    const missing = '0123456789abcdef01234567'

    const result = await postBulk(partner.client, [first, second, already, foreign, missing])
    expect(result.status).toBe(200)
    const outcomes = (result.body as { results: { id: string; title: string | null; outcome: string; reason?: string; status?: string | null }[] }).results
    expect(outcomes.map(({ id, outcome, reason }) => ({ id, outcome, reason }))).toEqual([
      { id: first, outcome: 'done', reason: undefined },
      { id: second, outcome: 'done', reason: undefined },
      { id: already, outcome: 'refused', reason: 'illegalTransition' },
      { id: foreign, outcome: 'refused', reason: 'notFound' },
      { id: missing, outcome: 'refused', reason: 'notFound' },
    ])
    expect(outcomes[2]?.status).toBe('acknowledged')
    // Nothing about the other organisation's task leaks, not even its title.
    expect(outcomes[3]?.title).toBeNull()
    const stored = await collection('tasks')
      .find({ _id: { $in: [first, second, foreign].map(oid) } })
      .toArray()
    expect(Object.fromEntries(stored.map((task) => [String(task._id), task.status]))).toEqual({ [first]: 'acknowledged', [second]: 'acknowledged', [foreign]: 'assigned' })
    // The centre hears of each acknowledgement.
    const notices = await collection('notifications').find({ taskId: { $in: [oid(first), oid(second)] }, event: 'acknowledged' }).toArray()
    expect(notices.map((notice) => String(notice.userId))).toEqual([centre.user.id, centre.user.id])
  })

  test('the list offers the checkbox only on tasks waiting for acknowledgement', async () => {
    const waiting = await assign(uniqueTitle('Checkbox waiting'), partner.organisation.id)
    const page = await listFor(partner.client, `?q=Checkbox`)
    expect(page.items.find((row) => row.id === waiting)?.acknowledgeable).toBe(true)
    const started = await assign(uniqueTitle('Checkbox started'), partner.organisation.id)
    await transitionTask(partner.viewer, started, 'acknowledge')
    expect((await listFor(partner.client, `?q=Checkbox`)).items.find((row) => row.id === started)?.acknowledgeable).toBe(false)
  })

  test('nothing selected is a 400; centre staff cannot use the partner’s bulk action', async () => {
    expect((await postBulk(partner.client, [])).status).toBe(400)
    const task = await assign(uniqueTitle('Bulk centre'), partner.organisation.id)
    expect((await postBulk(centre.client, [task])).status).toBe(403)
    const [stored] = await collection('tasks').find({ _id: oid(task) }).toArray()
    expect(stored?.status).toBe('assigned')
  })
})
