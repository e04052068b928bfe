import { resources } from '../../app/utils/i18n'

/**
 * Probes of the portal while its database comes and goes: a signed-in page as a browser asks for it,
 * the same page asked for as JSON, and an API path. Each answer is kept with when it was asked and
 * answered, its status and whether it is the friendly "temporarily unavailable" answer of its kind.
 */

export type ProbeKind = 'page' | 'json' | 'api'
export type ProbeAnswer = {
  kind: ProbeKind
  askedAt: number
  answeredAt: number
  status: number
  contentType: string
  /** HTML: the friendly 503 page's title; JSON: a problem document with status 503. */
  friendly: boolean
}

const friendlyTitle = resources.en.common.errors['503'].title

function isProblem(text: string) {
  try {
    const parsed: unknown = JSON.parse(text)
    return typeof parsed === 'object' && parsed !== null && (parsed as { status?: unknown }).status === 503 && typeof (parsed as { title?: unknown }).title === 'string'
  } catch {
    return false
  }
}

async function ask(url: string, kind: ProbeKind, cookie: string): Promise<ProbeAnswer> {
  const askedAt = Date.now()
  const target = kind === 'api' ? `${url}/api/v1/tasks` : `${url}/tasks`
  const headers: Record<string, string> = { accept: kind === 'page' ? 'text/html' : kind === 'json' ? 'application/json' : '*/*' }
  if (kind !== 'api') headers.cookie = cookie
  try {
    const response = await fetch(target, { headers, redirect: 'manual', signal: AbortSignal.timeout(8_000) })
    const text = await response.text()
    const contentType = response.headers.get('content-type') ?? ''
    const friendly =
      response.status === 503 &&
      (kind === 'page' ? contentType.startsWith('text/html') && text.includes(friendlyTitle) : contentType.startsWith('application/problem+json') && isProblem(text))
    return { kind, askedAt, answeredAt: Date.now(), status: response.status, contentType, friendly }
  } catch {
    return { kind, askedAt, answeredAt: Date.now(), status: 0, contentType: '', friendly: false }
  }
}

/** Probes every `intervalMs` (one kind after the other) until stopped. */
export function startProbes(url: string, cookie: string, intervalMs = 200) {
  const answers: ProbeAnswer[] = []
  let running = true
  const loop = (async () => {
    const kinds: ProbeKind[] = ['page', 'json', 'api']
    for (let i = 0; running; i++) {
      answers.push(await ask(url, kinds[i % kinds.length] as ProbeKind, cookie))
      await new Promise((resolve) => setTimeout(resolve, intervalMs))
    }
  })()
  return {
    answers,
    stop: async () => {
      running = false
      await loop
    },
  }
}
