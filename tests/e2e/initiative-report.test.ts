import fs from 'node:fs/promises'
import type { BrowserContext, Download, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, inject, test } from 'vitest'
import { loadViewer } from '~/auth/guards.server'
import { totpCodeAt } from '~/auth/totp.server'
import { addStatusUpdate, createInitiative, inviteParticipants, respondToInvitation } from '~/initiatives/initiatives.server'
import type { Viewer } from '~/policy/permissions'
import { createTasks } from '~/tasks/tasks.server'
import { createTestOrganisation } from '../factories/organisations'
import { createTestUser, type TestUser } from '../factories/users'
import { launchBrowser } from '../support/browser'

/**
 * A coordinator reviews progress: filters the initiatives to those at risk, opens the one there is, and
 * takes its report out of the portal (the export asks for a purpose first): the PDF and the tasks CSV.
 */
const portalUrl = inject('portalUrl')
const AT_RISK = 'Crypto on-ramp disruption, autumn'
const ON_TRACK = 'Card acceptance sweep, autumn'
let browser: BrowserContext
let coordinator: TestUser
let atRiskId: string

async function viewerOf(user: TestUser): Promise<Viewer> {
  const viewer = await loadViewer(user.id, user.organisationId)
  if (!viewer) throw new Error('the test user cannot act')
  return viewer
}

beforeAll(async () => {
  browser = await launchBrowser()
  const centre = await createTestOrganisation({ kind: 'national_centre', status: 'active' })
  coordinator = await createTestUser({ organisationId: centre.id, roles: ['staff', 'coordinator'], name: 'Report Coordinator' })
  const lead = await viewerOf(coordinator)
  const exchange = await createTestOrganisation({ kind: 'crypto_exchange', status: 'active' })
  const partner = await viewerOf(await createTestUser({ organisationId: exchange.id, roles: ['member'] }))

  const due = new Date(Date.now() + 30 * 24 * 60 * 60 * 1000)
  atRiskId = await createInitiative(lead, {
    title: AT_RISK,
    purpose: 'Stop the exchanges that convert the storefronts’ card payments into crypto; used for this only.',
    status: 'active',
    startAt: new Date(Date.now() - 30 * 24 * 60 * 60 * 1000),
    targetAt: due,
    tlp: 'AMBER',
    objectives: [{ actionType: 'wallet_screened_match', target: 12 }],
  })
  await inviteParticipants(lead, atRiskId, [partner.organisationId])
  await respondToInvitation(partner, atRiskId, true)
  // Enough overdue tasks (the report lists each one) for the report to run over more than one page.
  const overdue = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000)
  for (let i = 1; i <= 45; i++) {
    await createTasks(lead, { title: `Screen wallet cluster ${i} of the on-ramp`, assigneeOrganisationIds: [partner.organisationId], dueAt: overdue, initiativeId: atRiskId })
  }
  await addStatusUpdate(lead, atRiskId, { text: 'Two exchanges have not acknowledged yet; the deadline is at risk.', health: 'at_risk' })

  const onTrack = await createInitiative(lead, { title: ON_TRACK, purpose: 'Sweep card acceptance of the storefronts; used for this only.', status: 'active' })
  await addStatusUpdate(lead, onTrack, { text: 'All acquirers acknowledged.', health: 'on_track' })
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

/** Filters the overview to initiatives at risk and opens the one there is. */
async function openAtRiskInitiative(page: Page) {
  await page.goto(`${portalUrl}/initiatives`)
  await page.locator('select[name=health]').selectOption('at_risk')
  await page.locator('select[name=health]').evaluate((select: HTMLSelectElement) => select.form?.requestSubmit())
  await page.waitForURL(/[?&]health=at_risk/)
  await page.locator(`main a[href="/initiatives/${atRiskId}"]`).waitFor()
  expect(await page.locator('main').textContent()).toContain(AT_RISK)
  expect(await page.locator('main').textContent()).not.toContain(ON_TRACK)
  await page.locator(`main a[href="/initiatives/${atRiskId}"]`).first().click()
  await page.waitForURL(new RegExp(`/initiatives/${atRiskId}$`))
  await expect.poll(() => page.locator('main h1').textContent(), { timeout: 10_000 }).toContain(AT_RISK)
}

/** Follows the initiative page's export link, which first asks why; answers and returns the downloaded file. */
async function exportWithPurpose(page: Page, file: 'report.pdf' | 'tasks.csv'): Promise<{ download: Download; bytes: Buffer }> {
  await page.locator(`main a[href$="/initiatives/${atRiskId}/${file}"]`).click()
  await page.waitForURL(/\/export\?kind=/)
  await page.locator('select[name=purpose]').waitFor()
  await page.locator('select[name=purpose]').selectOption('progress_review')
  const form = page.locator(`form[action$="/${file}"]`)
  const [download] = await Promise.all([page.waitForEvent('download'), form.locator('button[type=submit]').click()])
  const path = await download.path()
  if (!path) throw new Error('the download was not saved')
  return { download, bytes: await fs.readFile(path) }
}

test('a coordinator filters to the at-risk initiative and downloads its PDF report, labelled TLP:AMBER', async () => {
  const page = await browser.newPage()
  const problems: string[] = []
  page.on('pageerror', (error) => problems.push(error.message))
  await signIn(page, coordinator)
  await openAtRiskInitiative(page)

  const { download, bytes } = await exportWithPurpose(page, 'report.pdf')
  expect(download.suggestedFilename()).toMatch(new RegExp(`^initiative-${atRiskId}-report-\\d{4}-\\d{2}-\\d{2}\\.pdf$`))
  expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-')
  // The label is in the document's metadata (readable without decompressing the pages).
  const raw = bytes.toString('latin1')
  expect(raw).toContain('(TLP:AMBER)')
  // Page objects are not compressed either: the 45 overdue tasks take more than one page.
  expect(raw.match(/\/Type \/Page\b/g)?.length ?? 0).toBeGreaterThanOrEqual(2)
  expect(problems).toEqual([])
  await page.close()
})

test('the same coordinator downloads the tasks CSV, every row labelled', async () => {
  // Same browser: the coordinator is still signed in from the previous test.
  const page = await browser.newPage()
  await openAtRiskInitiative(page)
  const { download, bytes } = await exportWithPurpose(page, 'tasks.csv')
  expect(download.suggestedFilename()).toMatch(new RegExp(`^initiative-${atRiskId}-tasks-\\d{4}-\\d{2}-\\d{2}\\.csv$`))
  const lines = bytes.toString('utf8').replace(/^\uFEFF/, '').trim().split('\r\n')
  expect(lines.filter((line) => !line.startsWith('TLP:AMBER,'))).toEqual([expect.stringMatching(/^TLP,/)])
  expect(lines.filter((line) => line.includes('Screen wallet cluster'))).toHaveLength(45)
  await page.close()
})
