import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { totpCodeAt } from '~/auth/totp.server'
import type { Role } from '~/domain/vocabulary'
import { loadViewer } from '~/auth/guards.server'
import { createInitiative, inviteParticipants, respondToInvitation } from '~/initiatives/initiatives.server'
import { designateOperator } from '~/platform/operator.server'
import type { Viewer } from '~/policy/permissions'
import { addComment, createTasks, submitReport, transitionTask } from '~/tasks/tasks.server'
import { createTestOrganisation } from '../factories/organisations'
import { createTestUser, type TestUser } from '../factories/users'
import { launchBrowser } from '../support/browser'

/**
 * Every page each role can open renders in a real browser without a client-side error: a page that
 * works on the server but breaks after hydration (say, a value imported from a server-only module)
 * fails here.
 */
const portalUrl = inject('portalUrl')
let browser: BrowserContext
const people = {} as Record<Role, TestUser>
const ids = {} as { partner: string; applied: string; task: string; initiative: string; colleague: Record<string, string> }

beforeAll(async () => {
  browser = await launchBrowser()
  const centre = await createTestOrganisation({ kind: 'national_centre', status: 'active' })
  const partner = await createTestOrganisation({ kind: 'acquirer_processor', status: 'active' })
  const operator = await createTestOrganisation({ kind: 'other', status: 'active' })
  await designateOperator(operator.id)
  const applied = await createTestOrganisation({ kind: 'bank', status: 'applied' })
  const orgOf: Record<Role, string> = {
    staff: centre.id,
    coordinator: centre.id,
    dpo: centre.id,
    member: partner.id,
    admin: partner.id,
    platform_admin: operator.id,
  }
  ids.colleague = {}
  for (const role of Object.keys(orgOf) as Role[]) {
    people[role] = await createTestUser({ organisationId: orgOf[role], roles: [role] })
  }
  ids.colleague.centre = people.staff.id
  ids.colleague.partner = people.member.id
  ids.partner = partner.id
  ids.applied = applied.id
  const centreViewer = (await loadViewer(people.staff.id, centre.id)) as Viewer
  const partnerViewer = (await loadViewer(people.member.id, partner.id)) as Viewer
  ids.initiative = await createInitiative(centreViewer, {
    title: 'Crawl initiative',
    purpose: 'Only to check that every page renders.',
    status: 'active',
    objectives: [{ actionType: 'merchant_terminated', target: 5 }],
  })
  await inviteParticipants(centreViewer, ids.initiative, [partner.id])
  await respondToInvitation(partnerViewer, ids.initiative, true)
  const { ids: taskIds } = await createTasks(centreViewer, {
    title: 'Crawl task with a report',
    description: 'Some **Markdown** and a link to https://example.org/page.',
    assigneeOrganisationIds: [partner.id],
    initiativeId: ids.initiative,
  })
  ids.task = taskIds[0] as string
  await transitionTask(partnerViewer, ids.task, 'acknowledge')
  await submitReport(partnerViewer, ids.task, [{ type: 'merchant_terminated', quantity: 1, actionDate: new Date(), matchReasonCode: '13' }])
  await addComment(centreViewer, ids.task, { body: 'Internal note', visibility: 'internal' })
})

afterAll(async () => {
  await browser?.close()
})

async function signIn(page: Page, user: TestUser) {
  await page.goto(`${portalUrl}/login`)
  await page.locator('input[name=email]').fill(user.email)
  await page.locator('input[name=password]').fill(user.password)
  await page.locator('form button[type=submit]').last().click()
  await page.waitForURL(/\/login\/verify/)
  await page.locator('input[name=code]').fill(await totpCodeAt(user.totpSecret as string))
  await page.locator('form button[type=submit]').last().click()
  await page.waitForURL(/\/home/)
}

async function visitAll(page: Page, paths: string[]) {
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of 40[34]/.test(message.text())) problems.push(`${page.url()}: ${message.text()}`)
  })
  page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`))
  for (const path of paths) {
    const response = await page.goto(`${portalUrl}${path}`)
    expect(response?.status(), path).toBe(200)
    await page.waitForLoadState('networkidle')
    expect(await page.locator('main h1').count(), `${path} has a heading`).toBeGreaterThan(0)
    expect(await page.locator('main').textContent(), path).not.toMatch(/Something went wrong/)
  }
  expect(problems).toEqual([])
}

const signedOutPages = ['/', '/login', '/apply', '/forgot-password', '/statistics', '/developers', '/developers/guide']
const pagesOf = (role: Role): string[] => {
  const common = ['/home', '/account', '/account/notifications', '/notifications', '/partners', `/partners/${ids.partner}`, '/developers']
  const work = ['/tasks', `/tasks/${ids.task}`, '/initiatives', '/indicators', '/indicators/new', '/indicators/import', '/indicators/export']
  const centreWork = [...work, '/tasks/new', '/tasks/templates', '/tasks/templates/new', '/initiatives/new', `/initiatives/${ids.initiative}`]
  switch (role) {
    case 'staff':
      return [...common, ...centreWork]
    case 'coordinator':
      return [...common, ...centreWork, '/vetting', `/vetting/${ids.applied}`, '/people', '/people/invite', `/people/${ids.colleague.centre}`]
    case 'member':
      return [...common, ...work, `/initiatives/${ids.initiative}`]
    case 'admin':
      return [...common, ...work, '/people', '/people/invite', `/people/${ids.colleague.partner}`, '/integrations', '/integrations/keys/new', '/integrations/webhooks', '/integrations/webhooks/new']
    case 'dpo':
      return [...common, '/audit', '/dpo', '/dpo/retention', '/dpo/accesses']
    case 'platform_admin':
      return [...common, '/audit']
    default:
      return common
  }
}

test('signed-out pages render without client errors', async () => {
  const page = await browser.newPage()
  await visitAll(page, signedOutPages)
  await page.close()
})

describe.each(['staff', 'coordinator', 'dpo', 'member', 'admin', 'platform_admin'] as Role[])('%s', (role) => {
  test('every page of the role renders without client errors', async () => {
    const context = await launchBrowser()
    try {
      const page = await context.newPage()
      await signIn(page, people[role])
      await visitAll(page, pagesOf(role))
    } finally {
      await context.close()
    }
  })
})
