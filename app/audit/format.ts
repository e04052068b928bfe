/** Presentation helpers for audit events, shared by the page and its tests (no server code here). */

/** `2025-03-14T09:26:53.123Z` → `2025-03-14 09:26:53` (the log is shown in UTC). */
export function formatAuditTime(iso: string) {
  return iso.slice(0, 19).replace('T', ' ')
}

const browsers: [RegExp, string][] = [
  [/Edg(?:e|A|iOS)?\/(\d+)/, 'Edge'],
  [/OPR\/(\d+)/, 'Opera'],
  [/Firefox\/(\d+)/, 'Firefox'],
  [/FxiOS\/(\d+)/, 'Firefox'],
  [/CriOS\/(\d+)/, 'Chrome'],
  [/Chrome\/(\d+)/, 'Chrome'],
  [/Version\/(\d+)[\d.]* (?:Mobile\/\S+ )?Safari\//, 'Safari'],
]

const systems: [RegExp, string][] = [
  [/Windows NT/, 'Windows'],
  [/iPhone|iPad|iPod/, 'iOS'],
  [/Android/, 'Android'],
  [/CrOS/, 'ChromeOS'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Linux/, 'Linux'],
]

/** A user agent in a few words ("Firefox 128 · Linux"); anything unrecognised is cut to 40 characters. */
export function summariseUserAgent(userAgent: string | null | undefined): string {
  if (!userAgent) return ''
  const browser = browsers.find(([pattern]) => pattern.test(userAgent))
  const system = systems.find(([pattern]) => pattern.test(userAgent))?.[1]
  if (browser) {
    const version = browser[0].exec(userAgent)?.[1]
    return [`${browser[1]}${version ? ` ${version}` : ''}`, system].filter(Boolean).join(' · ')
  }
  return userAgent.length > 40 ? `${userAgent.slice(0, 39)}…` : userAgent
}

/** Details as short `key: value` pairs; nested values as compact JSON, long ones cut. */
export function detailEntries(details: Record<string, unknown>, maxLength = 120): [string, string][] {
  return Object.entries(details)
    .filter(([, value]) => value !== undefined && value !== null && value !== '')
    .map(([key, value]) => {
      const text =
        typeof value === 'string'
          ? value
          : Array.isArray(value) && value.every((item) => typeof item !== 'object')
            ? value.join(', ')
            : typeof value === 'object'
              ? JSON.stringify(value)
              : String(value)
      return [key, text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text]
    })
}
