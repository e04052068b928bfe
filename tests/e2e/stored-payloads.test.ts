import { randomBytes } from 'node:crypto'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { loadViewer } from '~/auth/guards.server'
import { totpCodeAt } from '~/auth/totp.server'
import { submitIndicatorBatch } from '~/indicators/submit.server'
import { addStatusUpdate, createInitiative, inviteParticipants, respondToInvitation } from '~/initiatives/initiatives.server'
import { applicationSchema, submitApplication } from '~/partners/applications.server'
import type { Viewer } from '~/policy/permissions'
import { addComment, createTasks } from '~/tasks/tasks.server'
import { createTestOrganisation } from '../factories/organisations'
import { createTestUser, type TestUser } from '../factories/users'
import { launchBrowser } from '../support/browser'

/**
 * Markup stored through the domain functions (as any form or import would store it) comes back as
 * text: in a real browser no dialog opens, no `onerror`/`onload` handler runs, no element is injected
 * and the payload reads as the characters that were typed.
 */

const portalUrl = inject('portalUrl')
const run = randomBytes(3).toString('hex')

const SCRIPT = `<script>window.__xss='script';alert('script-${run}')</script>`
const IMG = `"><img src=x onerror="window.__xss='img';alert('img-${run}')">`
const SVG = `<svg onload="window.__xss='svg';alert('svg-${run}')"></svg>`
const JS_LINK = `[open the shop](javascript:alert('link-${run}'))`

const stored = {
  taskTitle: `Terminate merchant ${SCRIPT}`,
  taskDescription: `Test purchase notes ${IMG}\n\n${SVG}\n\n${JS_LINK}`,
  sharedComment: `Partner note ${IMG}`,
  internalComment: `Centre note ${SCRIPT}`,
  legalName: `Applicant ${IMG} Ltd ${run}`,
  initiativeTitle: `Network ${run} ${SVG}`,
  initiativePurpose: `Purpose: take the storefronts down ${SCRIPT} ${IMG}`,
  statusUpdate: `Update: acquirer answered ${SCRIPT}`,
  indicatorContext: `Seen in a test purchase ${IMG}`,
}

type Person = TestUser & { viewer: Viewer }
const people = {} as Record<'staff' | 'coordinator' | 'member', Person>
const ids = {} as { task: string; initiative: string; application: string; indicator: string }
const contexts: BrowserContext[] = []

async function person(organisationId: string, role: 'staff' | 'coordinator' | 'member'): Promise<Person> {
  const user = await createTestUser({ organisationId, roles: [role] })
  const viewer = await loadViewer(user.id, organisationId)
  if (!viewer) throw new Error(`the ${role} could not act`)
  return { ...user, viewer }
}

beforeAll(async () => {
  const centre = await createTestOrganisation({ kind: 'national_centre', status: 'active' })
  const partner = await createTestOrganisation({ kind: 'acquirer_processor', status: 'active' })
  people.staff = await person(centre.id, 'staff')
  people.coordinator = await person(centre.id, 'coordinator')
  people.member = await person(partner.id, 'member')

  ids.initiative = await createInitiative(people.staff.viewer, {
    title: stored.initiativeTitle,
    purpose: stored.initiativePurpose,
    status: 'active',
    tlp: 'AMBER',
  })
  await inviteParticipants(people.staff.viewer, ids.initiative, [partner.id])
  await respondToInvitation(people.member.viewer, ids.initiative, true)
  await addStatusUpdate(people.staff.viewer, ids.initiative, { text: stored.statusUpdate, health: 'at_risk' })

  const created = await createTasks(people.staff.viewer, {
    title: stored.taskTitle,
    description: stored.taskDescription,
    assigneeOrganisationIds: [partner.id],
    initiativeId: ids.initiative,
    tlp: 'AMBER',
  })
  const [task] = created.ids
  if (!task) throw new Error('the task was not created')
  ids.task = task
  await addComment(people.member.viewer, ids.task, { body: stored.sharedComment })
  await addComment(people.staff.viewer, ids.task, { body: stored.internalComment, visibility: 'internal' })

  const application = await submitApplication(
    applicationSchema.parse({
      legalName: stored.legalName,
      kind: 'payment_service',
      country: 'FR',
      agreementReference: '',
      contactName: 'Ana Lima',
      contactEmail: `contact-${run}@example.org`,
      contactPhone: '+33 1 23 45 67 89',
      applicantName: 'Ana Lima',
      applicantEmail: `applicant-${run}@example.org`,
      acceptTerms: 'on',
    }),
    { locale: 'en' },
  )
  if (!application.ok) throw new Error(`the application was refused: ${JSON.stringify(application.errors)}`)
  ids.application = application.id

  const submitted = await submitIndicatorBatch(
    people.member.viewer,
    [{ type: 'domain', value: `xss-${run}.example.com`, tlp: 'AMBER', reliability: 'B', credibility: '2', context: stored.indicatorContext, initiativeId: ids.initiative }],
    { source: 'form' },
  )
  const [indicator] = submitted.ids
  if (!indicator || submitted.rejected.length > 0) throw new Error(`the indicator was refused: ${JSON.stringify(submitted.rejected)}`)
  ids.indicator = indicator
})

afterAll(async () => {
  await Promise.all(contexts.map((context) => context.close()))
})

async function signIn(page: Page, user: TestUser) {
  await page.goto(`${portalUrl}/login`)
  await page.locator('input[name=email]').fill(user.email)
  await page.locator('input[name=password]').fill(user.password)
  await page.locator('form button[type=submit]').last().click()
  await page.waitForURL(/\/login\/verify/)
  const secret = user.totpSecret
  if (!secret) throw new Error('the test person has no second factor')
  await page.locator('input[name=code]').fill(await totpCodeAt(secret))
  await page.locator('form button[type=submit]').last().click()
  await page.waitForURL(/\/home/)
}

/** A signed-in page that records every dialog (and dismisses it, so that nothing blocks). */
async function pageOf(user: TestUser) {
  const context = await launchBrowser()
  contexts.push(context)
  const page = await context.newPage()
  const dialogs: string[] = []
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`)
    void dialog.dismiss()
  })
  await signIn(page, user)
  return { page, dialogs }
}

/** Opens a page and checks that the stored markup stayed text. */
async function expectInert(page: Page, dialogs: string[], path: string, visible: string[]) {
  const response = await page.goto(`${portalUrl}${path}`)
  expect(response?.status(), path).toBe(200)
  await page.waitForLoadState('networkidle')
  const main = page.locator('main')
  const text = await main.innerText()
  for (const payload of visible) expect(text, `${path} shows ${JSON.stringify(payload)} as text`).toContain(payload)
  expect(await main.locator('img[src="x"], svg[onload], script, iframe, object, embed').count(), `${path}: no injected element`).toBe(0)
  expect(await page.locator('[onerror], [onload]').count(), `${path}: no inline event handler`).toBe(0)
  expect(await page.locator('a[href^="javascript:" i]').count(), `${path}: no javascript: link`).toBe(0)
  expect(await page.evaluate(() => Reflect.get(window, '__xss')), `${path}: no payload ran`).toBeUndefined()
  expect(dialogs, `${path}: no dialog opened`).toEqual([])
}

describe('stored HTML and script payloads render as text', () => {
  test('the centre: task, task list, initiative, initiative list and indicator pages', async () => {
    const { page, dialogs } = await pageOf(people.staff)
    await expectInert(page, dialogs, `/tasks/${ids.task}`, [stored.taskTitle, `Test purchase notes ${IMG}`, stored.sharedComment, stored.internalComment])
    await expectInert(page, dialogs, '/tasks?view=owned', [stored.taskTitle])
    await expectInert(page, dialogs, `/initiatives/${ids.initiative}`, [stored.initiativeTitle, stored.initiativePurpose, stored.statusUpdate])
    await expectInert(page, dialogs, '/initiatives', [stored.initiativeTitle])
    await expectInert(page, dialogs, `/indicators/${ids.indicator}`, [stored.indicatorContext])
  })

  test('the coordinator: the vetting queue and the application', async () => {
    const { page, dialogs } = await pageOf(people.coordinator)
    await expectInert(page, dialogs, '/vetting', [stored.legalName])
    await expectInert(page, dialogs, `/vetting/${ids.application}`, [stored.legalName])
  })

  test('the partner: its task, its notifications and the initiative it takes part in', async () => {
    const { page, dialogs } = await pageOf(people.member)
    await expectInert(page, dialogs, `/tasks/${ids.task}`, [stored.taskTitle, `Test purchase notes ${IMG}`, stored.sharedComment])
    expect(await page.locator('main').innerText(), 'an internal comment never reaches the partner').not.toContain(stored.internalComment)
    await expectInert(page, dialogs, '/notifications', [stored.taskTitle])
    await expectInert(page, dialogs, `/initiatives/${ids.initiative}`, [stored.initiativeTitle, stored.statusUpdate])
  })
})
