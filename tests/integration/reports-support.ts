import { PassThrough } from 'node:stream'
import { createInstance } from 'i18next'
import { createElement, type ComponentType } from 'react'
import { renderToPipeableStream } from 'react-dom/server'
import { I18nextProvider, initReactI18next } from 'react-i18next'
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from 'react-router-dom/server'
import { vi } from 'vitest'
import { getViewer } from '~/auth/guards.server'
import type { OrganisationKind, Role } from '~/domain/vocabulary'
import { createInitiative, inviteParticipants, respondToInvitation } from '~/initiatives/initiatives.server'
import type { Viewer } from '~/policy/permissions'
import { createTasks, submitReport, transitionTask, type ReportedAction } from '~/tasks/tasks.server'
import { i18nConfig } from '~/utils/i18n'
import { createTestOrganisation } from '../factories/organisations'
import { createTestUser, type TestUser } from '../factories/users'
import { get, routeArgs, signedInClient, type Client } from '../support/requests'

/** A minimal RFC 4180 reader: quoted cells, doubled quotes, CRLF records, a leading byte-order mark. */
export function parseCsv(text: string): string[][] {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < source.length; i++) {
    const char = source[i]
    if (quoted) {
      if (char === '"' && source[i + 1] === '"') {
        cell += '"'
        i++
      } else if (char === '"') quoted = false
      else cell += char
    } else if (char === '"') quoted = true
    else if (char === ',') {
      row.push(cell)
      cell = ''
    } else if (char === '\r' && source[i + 1] === '\n') {
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
      i++
    } else cell += char
  }
  if (cell || row.length) rows.push([...row, cell])
  return rows
}

/** Server-renders one route as a browser receives it, and returns the text a person reads. */
export async function renderRoute({
  path,
  pattern,
  loader,
  Component,
  client,
  language = 'en',
}: {
  path: string
  pattern: string
  loader: (args: ReturnType<typeof routeArgs>) => Promise<unknown>
  Component: ComponentType
  client?: Client
  language?: string
}) {
  const handler = createStaticHandler([
    { id: 'root', path: '/', children: [{ id: 'page', path: pattern, loader: ({ request, params }) => loader(routeArgs(request, params as Record<string, string>)), Component }] },
  ])
  const context = await handler.query(get(path, client))
  if (context instanceof Response) throw new Error(`unexpected response ${context.status}`)
  const router = createStaticRouter(handler.dataRoutes, context)
  const i18n = createInstance()
  await i18n.use(initReactI18next).init({ ...i18nConfig, lng: language })
  const page = createElement(I18nextProvider, { i18n }, createElement(StaticRouterProvider, { router, context, hydrate: false }))
  const html = await new Promise<string>((resolve, reject) => {
    const { pipe } = renderToPipeableStream(page, {
      onAllReady() {
        const body = new PassThrough()
        let text = ''
        body.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')))
        body.on('end', () => resolve(text))
        pipe(body)
      },
      onShellError: reject,
      onError: reject,
    })
  })
  return html
    .replace(/<!--.*?-->/gs, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
}

export const DAY = 24 * 60 * 60 * 1000
export const START = new Date('2030-04-01T09:00:00Z')
export const DUE = new Date('2030-04-15T09:00:00Z')
/** The day after the due date: when every check of the scenario is made. */
export const CHECKED_AT = new Date(DUE.getTime() + DAY)

export const FORMULA_TITLE = '=HYPERLINK("http://evil.example/x","Open me")'
export const STRICT_TITLE = 'B strict matter, acquirer eyes only'

export type Member = { user: TestUser; viewer: Viewer; organisationName: string }
export type PartnerKey = 'V' | 'M' | 'A' | 'B' | 'I'

async function member(kind: OrganisationKind, roles: Role[], legalName: string): Promise<Member> {
  const organisation = await createTestOrganisation({ kind, status: 'active', legalName })
  const user = await createTestUser({ organisationId: organisation.id, roles })
  const viewer = (await getViewer(get('/', await signedInClient(user)))) as Viewer
  return { user, viewer, organisationName: legalName }
}

const report = (type: ReportedAction['type'], quantity = 1): ReportedAction[] => [
  { type, quantity, actionDate: new Date('2030-04-10T12:00:00Z'), reference: 'REF-1', note: 'Seen by the compliance desk.' },
]

/**
 * The reference scenario of the progress module (tests/integration/initiative-progress.test.ts): a centre
 * leads one AMBER initiative with five partners and ten tasks; on the day after the due date completion is
 * 70 % (60 % without not-applicable tasks), 3 merchants are terminated and M, B and I are overdue. Two
 * more tasks are cancelled, so the figures stay: one whose title is a spreadsheet formula (assigned to V)
 * and one labelled AMBER+STRICT for B, with a report that was never verified.
 * Leaves the clock (faked Date) at CHECKED_AT; the caller restores real timers.
 */
export async function buildReferenceScenario(label: string) {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(START)
  const centre = await member('national_centre', ['staff', 'coordinator'], `Centre ${label}`)
  const partners = {
    V: await member('card_scheme', ['member'], `Scheme V ${label}`),
    M: await member('card_scheme', ['member'], `Scheme M ${label}`),
    A: await member('acquirer_processor', ['member'], `Acquirer A ${label}`),
    B: await member('acquirer_processor', ['member'], `Acquirer B ${label}`),
    I: await member('isp', ['member'], `ISP I ${label}`),
  } satisfies Record<PartnerKey, Member>
  const outsider = await member('bank', ['member'], `Outsider Bank ${label}`)
  const invited = await member('bank', ['member', 'admin'], `Invited Bank ${label}`)

  const initiativeId = await createInitiative(centre.viewer, {
    title: `Card payment disruption ${label}`,
    purpose: 'Cut card acceptance of the storefront network; data used for this disruption only.',
    status: 'active',
    startAt: START,
    targetAt: DUE,
    objectives: [{ actionType: 'merchant_terminated', target: 20 }],
  })
  await inviteParticipants(centre.viewer, initiativeId, [...Object.values(partners).map((p) => p.viewer.organisationId), invited.viewer.organisationId])
  for (const partner of Object.values(partners)) await respondToInvitation(partner.viewer, initiativeId, true)

  const counts: Record<PartnerKey, number> = { V: 2, M: 2, A: 3, B: 2, I: 1 }
  const tasks = {} as Record<PartnerKey, string[]>
  for (const key of Object.keys(counts) as PartnerKey[]) {
    tasks[key] = []
    for (let i = 0; i < counts[key]; i++) {
      const { ids } = await createTasks(centre.viewer, {
        title: `${key} task ${i + 1} ${label}`,
        assigneeOrganisationIds: [partners[key].viewer.organisationId],
        dueAt: DUE,
        initiativeId,
      })
      tasks[key].push(ids[0] as string)
    }
  }
  const formula = await createTasks(centre.viewer, { title: FORMULA_TITLE, assigneeOrganisationIds: [partners.V.viewer.organisationId], dueAt: DUE, initiativeId })
  const strict = await createTasks(centre.viewer, {
    title: STRICT_TITLE,
    assigneeOrganisationIds: [partners.B.viewer.organisationId],
    dueAt: DUE,
    tlp: 'AMBER+STRICT',
    initiativeId,
  })
  const formulaTaskId = formula.ids[0] as string
  const strictTaskId = strict.ids[0] as string

  vi.setSystemTime(new Date(DUE.getTime() - 3 * DAY))
  const work = async (key: PartnerKey, index: number, type: ReportedAction['type']) => {
    const id = tasks[key][index] as string
    await transitionTask(partners[key].viewer, id, 'acknowledge')
    await submitReport(partners[key].viewer, id, report(type))
    await transitionTask(centre.viewer, id, 'verify')
  }
  await work('V', 0, 'notice_sent')
  await work('V', 1, 'notice_sent')
  await work('M', 0, 'notice_sent')
  await work('A', 0, 'merchant_terminated')
  await work('A', 1, 'merchant_terminated')
  await transitionTask(partners.A.viewer, tasks.A[2] as string, 'notApplicable', { reason: 'No relationship found.' })
  await work('B', 0, 'merchant_terminated')
  await transitionTask(partners.B.viewer, strictTaskId, 'acknowledge')
  await submitReport(partners.B.viewer, strictTaskId, report('merchant_terminated', 4))
  await transitionTask(centre.viewer, strictTaskId, 'cancel')
  await transitionTask(centre.viewer, formulaTaskId, 'cancel')
  vi.setSystemTime(CHECKED_AT)
  return { centre, partners, outsider, invited, initiativeId, tasks, formulaTaskId, strictTaskId }
}

export type ReferenceScenario = Awaited<ReturnType<typeof buildReferenceScenario>>
