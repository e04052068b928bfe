import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, inject, test } from 'vitest'
import { totpCodeAt } from '~/auth/totp.server'
import { readMailbox, type ReceivedMail } from '~/mail/smtp-sink.server'
import { createTestOrganisation } from '../factories/organisations'
import { createTestUser, type TestUser } from '../factories/users'
import { launchBrowser } from '../support/browser'

const portalUrl = inject('portalUrl')
const mailboxDir = inject('mailboxDir')

let coordinator: TestUser
let applicantBrowser: BrowserContext
let coordinatorBrowser: BrowserContext

beforeAll(async () => {
  const centre = await createTestOrganisation({ kind: 'national_centre', country: 'FR', status: 'active' })
  coordinator = await createTestUser({ organisationId: centre.id, roles: ['coordinator'], name: 'Claire Coordinatrice' })
  applicantBrowser = await launchBrowser({ locale: 'fr-FR' })
  coordinatorBrowser = await launchBrowser({ locale: 'en-GB' })
})

afterAll(async () => {
  await applicantBrowser?.close()
  await coordinatorBrowser?.close()
})

async function waitForMail(to: string, subject: RegExp): Promise<ReceivedMail> {
  const deadline = Date.now() + 20_000
  for (;;) {
    const found = readMailbox(mailboxDir, to).find((mail) => subject.test(mail.subject))
    if (found) return found
    if (Date.now() > deadline) throw new Error(`no mail "${subject}" for ${to}: ${JSON.stringify(readMailbox(mailboxDir, to))}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

async function signIn(page: Page, email: string, password: string, secret: string, at = new Date()) {
  await page.goto(`${portalUrl}/login`)
  await page.locator('input[name=email]').fill(email)
  await page.locator('input[name=password]').fill(password)
  await page.locator('form button[type=submit]').last().click()
  await page.waitForURL(/\/login\/verify/)
  await page.locator('input[name=code]').fill(await totpCodeAt(secret, at))
  await page.locator('form button[type=submit]').last().click()
  await page.waitForURL(/\/home/)
  await page.locator('#home-title').waitFor()
}

test('apply → approve → invitation e-mail → password and TOTP → partner home in French', async () => {
  const applicantEmail = 'lea.dubois@banque-exemple.example'
  const applicant = await applicantBrowser.newPage()

  // 1. The applicant applies, in French.
  await applicant.goto(`${portalUrl}/apply`)
  expect(await applicant.getAttribute('html', 'lang')).toBe('fr')
  await applicant.locator('[name=legalName]').fill('Banque Exemple de Lyon SA')
  await applicant.locator('[name=kind]').selectOption('bank')
  await applicant.locator('[name=country]').selectOption('FR')
  await applicant.locator('[name=contactName]').fill('Service conformité')
  await applicant.locator('[name=contactEmail]').fill('conformite@banque-exemple.example')
  await applicant.locator('[name=contactPhone]').fill('+33 4 72 00 00 00')
  await applicant.locator('[name=applicantName]').fill('Léa Dubois')
  await applicant.locator('[name=applicantEmail]').fill(applicantEmail)
  await applicant.locator('[name=acceptTerms]').check()
  await applicant.locator('form button[type=submit]').last().click()
  await applicant.waitForURL(/\/apply\?submitted=1/)
  expect((await waitForMail(applicantEmail, /candidature/i)).text).toContain('Banque Exemple de Lyon SA')

  // 2. A coordinator signs in and approves the application with a reason.
  const desk = await coordinatorBrowser.newPage()
  await signIn(desk, coordinator.email, coordinator.password, coordinator.totpSecret as string)
  await desk.goto(`${portalUrl}/vetting`)
  await desk.getByRole('link', { name: /Banque Exemple de Lyon SA/ }).click()
  await desk.waitForURL(/\/vetting\/[a-f\d]{24}/)
  const approve = desk.locator('form:has(input[name=intent][value=approve])')
  await approve.locator('[name=reason]').fill('Agreement signed with the French centre; references checked.')
  await approve.locator('button[type=submit]').click()
  await expect.poll(async () => (await desk.locator('main').textContent()) ?? '').toMatch(/probation/i)

  // 3. The invitation arrives at the local SMTP server, in the applicant's language.
  const invitation = await waitForMail(applicantEmail, /invitation/i)
  const link = /(http:\/\/localhost:\d+\/invitations\/[\w-]+)/.exec(invitation.text)?.[1]
  expect(link).toBeTruthy()
  expect(invitation.text).toContain('Bonjour')

  // 4. The applicant sets a password and enrols TOTP, computing codes from the secret on the page.
  await applicant.goto(link as string)
  await applicant.locator('[name=name]').fill('Léa Dubois')
  await applicant.locator('[name=password]').fill('une phrase de passe assez longue')
  await applicant.locator('[name=confirm]').fill('une phrase de passe assez longue')
  await applicant.locator('form button[type=submit]').last().click()
  await applicant.waitForURL(/\/login\/enrol/)
  const secret = ((await applicant.getByTestId('totp-secret').textContent()) ?? '').trim()
  expect(secret).toMatch(/^[A-Z2-7]{16,}$/)
  expect(await applicant.locator('[role=img] svg').count()).toBe(1)
  await applicant.locator('[name=code]').fill(await totpCodeAt(secret))
  await applicant.locator('form button[type=submit]').last().click()
  await expect.poll(() => applicant.getByTestId('recovery-codes').locator('li').count()).toBe(8)
  await applicant.getByRole('link', { name: 'Accéder au portail' }).click()
  await applicant.waitForURL(/\/home/)
  await expect.poll(() => applicant.locator('h1').textContent()).toBe('Bienvenue, Léa Dubois')

  // 5. Signed out, they sign in again with password and a fresh code, and land home in French.
  await applicant.getByRole('button', { name: 'Se déconnecter' }).click()
  await applicant.waitForURL(`${portalUrl}/`)
  await signIn(applicant, applicantEmail, 'une phrase de passe assez longue', secret, new Date(Date.now() + 30_000))
  expect(await applicant.getAttribute('html', 'lang')).toBe('fr')
  await expect.poll(() => applicant.locator('h1').textContent()).toBe('Bienvenue, Léa Dubois')
  expect(await applicant.locator('main').textContent()).toMatch(/période probatoire/)
  expect(await applicant.locator('main').textContent()).toMatch(/Traitez les tâches de coordination de votre organisation/)
})
