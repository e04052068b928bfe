import { useTranslation } from 'react-i18next'

export const linkButton =
  'inline-flex items-center rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium text-slate-900 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700'

/** The translation key of a scope's description (i18next reads ':' as a namespace separator). */
export const scopeKey = (scope: string) => `scopes.${scope.replace(':', '_')}`

/** A key's state as a badge: active, expired or revoked. */
export function ApiKeyState({ state }: { state: 'active' | 'expired' | 'revoked' }) {
  const { t } = useTranslation('api')
  const tone = { active: 'bg-emerald-100 text-emerald-900', expired: 'bg-amber-100 text-amber-900', revoked: 'bg-red-100 text-red-900' }[state]
  return <span className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ${tone}`}>{t(`keys.states.${state}`)}</span>
}
