import type { BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, expect, inject, test } from 'vitest'
import { launchBrowser } from '../support/browser'

let browser: BrowserContext
const portalUrl = inject('portalUrl')

beforeAll(async () => {
  browser = await launchBrowser({ locale: 'en-GB' })
})
afterAll(async () => {
  await browser?.close()
})

test('the landing page explains the portal and switches to French', async () => {
  const page = await browser.newPage()
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text())
  })
  page.on('pageerror', (error) => problems.push(error.message))

  await page.goto(portalUrl)
  await expect.poll(() => page.locator('h1').textContent()).toMatch(/payment channels/i)
  expect(await page.getAttribute('html', 'lang')).toBe('en')
  // Signed out, the shell offers sign-in and applying, and no work areas.
  expect(await page.getByRole('link', { name: 'Sign in' }).count()).toBe(1)
  expect(await page.getByRole('link', { name: 'Apply to join' }).count()).toBe(1)
  expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0)

  await page.getByRole('button', { name: 'Français' }).click()
  await expect.poll(() => page.getAttribute('html', 'lang')).toBe('fr')
  await expect.poll(() => page.locator('h1').textContent()).toMatch(/Couper les canaux de paiement/)
  expect(await page.getByRole('link', { name: 'Se connecter' }).count()).toBe(1)

  // The choice sticks: a fresh navigation and an error page speak French too.
  await page.goto(`${portalUrl}/no-such-page`)
  await expect.poll(() => page.locator('h1').textContent()).toBe('Page introuvable')
  expect(problems.filter((text) => !/404/.test(text))).toEqual([])
})

test('without a saved choice the language follows the browser', async () => {
  const russian = await launchBrowser({ locale: 'ru-RU' })
  try {
    const page = await russian.newPage()
    await page.goto(portalUrl)
    expect(await page.getAttribute('html', 'lang')).toBe('ru')
    expect(await page.locator('h1').textContent()).toMatch(/платёжные каналы/)
  } finally {
    await russian.close()
  }
})

test('the skip link and the navigation are reachable from the keyboard', async () => {
  const page = await browser.newPage()
  await page.goto(portalUrl)
  await page.keyboard.press('Tab')
  const focused = await page.evaluate(() => document.activeElement?.getAttribute('href'))
  expect(focused).toBe('#main')
})
