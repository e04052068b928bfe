import { PassThrough } from 'node:stream'
import { createReadableStreamFromReadable, type AppLoadContext, type EntryContext } from '@remix-run/node'
import { RemixServer } from '@remix-run/react'
import { createInstance } from 'i18next'
import { isbot } from 'isbot'
import { renderToPipeableStream } from 'react-dom/server'
import { I18nextProvider, initReactI18next } from 'react-i18next'
import { NonceProvider } from '~/utils/nonce'
import { fallbackLanguage, i18nConfig, isLanguage } from '~/utils/i18n'
import { unavailablePage } from '~/utils/unavailable-page.server'
import { i18next } from '~/utils/i18next.server'
import { isDatabaseUnavailableError, noteDatabaseFailure } from '~/utils/db.server'
import { getLogger } from '~/utils/logger.server'

export const streamTimeout = 5_000

/** Requests that failed because the database was unreachable: answered 503, not 500. */
const failedOnDatabase = new WeakSet<Request>()

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const lng = await i18next.getLocale(request)
  if (responseStatusCode === 500 && failedOnDatabase.has(request)) {
    // The database died while this page was being made: the same friendly page as during the outage.
    responseHeaders.set('Retry-After', '5')
    responseHeaders.set('Cache-Control', 'no-store')
    responseHeaders.set('Content-Type', 'text/html; charset=utf-8')
    return new Response(unavailablePage(isLanguage(lng) ? lng : fallbackLanguage), { status: 503, headers: responseHeaders })
  }
  const instance = createInstance()
  await instance.use(initReactI18next).init({ ...i18nConfig, lng })
  const nonce = loadContext.cspNonce
  const readyEvent = isbot(request.headers.get('user-agent')) || remixContext.isSpaMode ? 'onAllReady' : 'onShellReady'

  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false
    const { pipe, abort } = renderToPipeableStream(
      <I18nextProvider i18n={instance}>
        <NonceProvider value={nonce}>
          <RemixServer context={remixContext} url={request.url} abortDelay={streamTimeout} nonce={nonce} />
        </NonceProvider>
      </I18nextProvider>,
      {
        nonce,
        [readyEvent]() {
          shellRendered = true
          const body = new PassThrough()
          responseHeaders.set('Content-Type', 'text/html; charset=utf-8')
          resolve(
            new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }),
          )
          pipe(body)
        },
        onShellError(error: unknown) {
          reject(error)
        },
        onError(error: unknown) {
          responseStatusCode = 500
          if (shellRendered) console.error(error)
        },
      },
    )
    setTimeout(abort, streamTimeout + 1_000)
  })
}

/** Every unexpected error of a loader, action or render lands in the request log with its URL. */
export function handleError(error: unknown, { request }: { request: Request }) {
  if (request.signal.aborted) return
  if (isDatabaseUnavailableError(error)) {
    noteDatabaseFailure()
    failedOnDatabase.add(request)
  }
  getLogger().error({ err: error, url: new URL(request.url).pathname }, 'request failed')
}
