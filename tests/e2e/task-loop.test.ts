import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, inject, test } from 'vitest'
import { totpCodeAt } from '~/auth/totp.server'
import { readMailbox } from '~/mail/smtp-sink.server'
import { createTestOrganisation } from '../factories/organisations'
import { createTestUser, type TestUser } from '../factories/users'
import { launchBrowser } from '../support/browser'

const portalUrl = inject('portalUrl')
const mailboxDir = inject('mailboxDir')

let staff: TestUser
let member: TestUser
let acquirerId: string
let centreBrowser: BrowserContext
let partnerBrowser: BrowserContext

beforeAll(async () => {
  const centre = await createTestOrganisation({ kind: 'national_centre', country: 'NL', status: 'active', legalName: 'Loop Test Centre' })
  const acquirer = await createTestOrganisation({ kind: 'acquirer_processor', country: 'IE', status: 'active', legalName: 'Loop Test Acquirer Ltd' })
  acquirerId = acquirer.id
  staff = await createTestUser({ organisationId: centre.id, roles: ['staff'], name: 'Sanne Staff' })
  member = await createTestUser({ organisationId: acquirer.id, roles: ['member'], name: 'Conor Member' })
  centreBrowser = await launchBrowser()
  partnerBrowser = await launchBrowser()
})

afterAll(async () => {
  await centreBrowser?.close()
  await partnerBrowser?.close()
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

async function waitForMail(to: string, subject: RegExp) {
  const deadline = Date.now() + 20_000
  for (;;) {
    const found = readMailbox(mailboxDir, to).find((mail) => subject.test(mail.subject))
    if (found) return found
    if (Date.now() > deadline) throw new Error(`no mail matching ${subject} for ${to}: ${readMailbox(mailboxDir, to).map((m) => m.subject).join(' | ')}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

const transition = (page: Page, name: string) => page.locator(`form:has(input[name=transition][value=${name}]) button[type=submit]`).first()

test('centre assigns → acquirer acknowledges and reports a termination → centre verifies; timeline and e-mails at each step', async () => {
  const title = 'Terminate merchant LOOPSHOP*DIGITAL'
  const desk = await centreBrowser.newPage()
  await signIn(desk, staff)

  // 1. Centre staff create the task for the acquirer.
  await desk.goto(`${portalUrl}/tasks/new`)
  await desk.locator('[name=title]').fill(title)
  await desk.locator('[name=description]').fill('Test purchase of 20 November; descriptor **LOOPSHOP*DIGITAL**.')
  await desk.locator(`input[name=assigneeOrganisationIds][value="${acquirerId}"]`).check()
  await desk.locator('[name=priority]').selectOption('high')
  await desk.locator('button[name=intent][value=assign]').click()
  await desk.waitForURL(/\/tasks\/[a-f\d]{24}$/)
  const taskUrl = desk.url()
  expect((await waitForMail(member.email, /New task/)).text).toContain(title)

  // 2. The acquirer's member finds it in the queue and acknowledges it.
  const queue = await partnerBrowser.newPage()
  await signIn(queue, member)
  await queue.goto(`${portalUrl}/tasks`)
  await queue.getByRole('link', { name: title }).first().click()
  await queue.waitForURL(taskUrl)
  await transition(queue, 'acknowledge').click()
  await expect.poll(async () => (await queue.locator('main').textContent()) ?? '').toMatch(/Acknowledged/)
  await waitForMail(staff.email, /Task acknowledged/)

  // 3. It reports a termination: quantity 2, MATCH reason 13.
  const report = queue.locator('form:has(input[name=intent][value=report])')
  await report.locator('[name="actions.0.type"]').selectOption('merchant_terminated')
  await report.locator('[name="actions.0.quantity"]').fill('2')
  await report.locator('[name="actions.0.actionDate"]').fill(new Date().toISOString().slice(0, 10))
  await report.locator('[name="actions.0.reference"]').fill('LOOP-TERM-0042')
  await report.locator('[name="actions.0.matchReasonCode"]').selectOption('13')
  await report.locator('button[type=submit]').last().click()
  await expect.poll(async () => (await queue.locator('main').textContent()) ?? '').toMatch(/Reported/)
  await waitForMail(staff.email, /Actions reported/)

  // 4. The centre verifies.
  await desk.goto(taskUrl)
  expect(await desk.locator('main').textContent()).toContain('LOOP-TERM-0042')
  await transition(desk, 'verify').click()
  await expect.poll(async () => (await desk.locator('main').textContent()) ?? '').toMatch(/Verified/)
  await waitForMail(member.email, /Report verified/)

  // 5. The whole timeline is on the task, with who did each step.
  await desk.reload()
  const page = (await desk.locator('main').textContent()) ?? ''
  for (const expected of ['Sanne Staff', 'Conor Member', 'Assigned', 'Acknowledged', 'Reported', 'Verified', 'MATCH']) {
    expect(page).toContain(expected)
  }
})
