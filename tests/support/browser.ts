import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { chromium, type BrowserContext } from 'playwright-core'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const CHROMIUM_MISSING_MESSAGE = `Chromium was not found at ${CHROMIUM_PATH}. Install it with: sudo apt-get install -y chromium`

/** Debian's Chromium, headless, in a fresh profile; closes and removes the profile on `close()`. */
export async function launchBrowser(options: { locale?: string } = {}): Promise<BrowserContext> {
  if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(CHROMIUM_MISSING_MESSAGE)
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    locale: options.locale ?? 'en-GB',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  context.once('close', () => {
    void fs.promises.rm(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }).catch(() => {})
  })
  return context
}
