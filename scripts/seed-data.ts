import { recordAudit } from '~/audit/audit.server'
import type { OrganisationKind, Role } from '~/domain/vocabulary'
import { submitApplication } from '~/partners/applications.server'
import { designateOperator } from '~/platform/operator.server'
import { countOrganisations } from '~/partners/organisations.server'
import { suspendOrganisation } from '~/partners/suspension.server'
import type { Viewer } from '~/policy/permissions'
import { createTestOrganisation } from '../tests/factories/organisations'
import { createTestUser } from '../tests/factories/users'
import { seedDemoIndicators } from './seed-indicators'
import { seedDemoTasks } from './seed-tasks'

/** Every seeded person signs in with this password (and the TOTP code printed by `npm run demo:code`). */
export const DEMO_PASSWORD = 'partnership-demo-2026'

type SeedOrganisation = { key: string; legalName: string; kind: OrganisationKind; country: string }

/** Three national centres in different countries and twelve partners across the organisation kinds. */
export const demoOrganisations: SeedOrganisation[] = [
  { key: 'nl-centre', legalName: 'Netherlands National Operational Centre against Child Exploitation', kind: 'national_centre', country: 'NL' },
  { key: 'fr-centre', legalName: 'Centre opérationnel national de protection des mineurs en ligne', kind: 'national_centre', country: 'FR' },
  { key: 'kz-centre', legalName: 'Kazakhstan National Centre for Child Online Safety', kind: 'national_centre', country: 'KZ' },
  { key: 'nordlink', legalName: 'NordLink Broadband AB', kind: 'isp', country: 'SE' },
  { key: 'alpine', legalName: 'Alpine Telecom GmbH', kind: 'isp', country: 'AT' },
  { key: 'cloudharbour', legalName: 'CloudHarbour Hosting GmbH', kind: 'hosting_provider', country: 'DE' },
  { key: 'meridian', legalName: 'Meridian Bank plc', kind: 'bank', country: 'GB' },
  { key: 'rhone', legalName: 'Banque du Rhône SA', kind: 'bank', country: 'FR' },
  { key: 'orbis', legalName: 'Orbis Card Network Inc.', kind: 'card_scheme', country: 'US' },
  { key: 'unity', legalName: 'Unity Payment Scheme SA', kind: 'card_scheme', country: 'BE' },
  { key: 'atlas', legalName: 'Atlas Merchant Services Ltd', kind: 'acquirer_processor', country: 'IE' },
  { key: 'baltic', legalName: 'Baltic Acquiring UAB', kind: 'acquirer_processor', country: 'LT' },
  { key: 'swiftpurse', legalName: 'SwiftPurse Payments S.à r.l.', kind: 'payment_service', country: 'LU' },
  { key: 'keystone', legalName: 'Keystone Digital Asset Exchange Ltd', kind: 'crypto_exchange', country: 'MT' },
  { key: 'safeweb', legalName: 'SafeWeb Hotline Foundation', kind: 'hotline_ngo', country: 'NL' },
]

/** People of every role, in centres and in several kinds of partner organisation. */
export const demoPeople: { email: string; name: string; organisation: string; roles: Role[]; locale?: 'en' | 'fr' | 'ru' }[] = [
  { email: 'staff@nl-centre.example', name: 'Sanne de Vries', organisation: 'nl-centre', roles: ['staff'] },
  { email: 'coordinator@nl-centre.example', name: 'Pieter Jansen', organisation: 'nl-centre', roles: ['coordinator'] },
  { email: 'dpo@nl-centre.example', name: 'Femke Bakker', organisation: 'nl-centre', roles: ['dpo'] },
  { email: 'staff@fr-centre.example', name: 'Camille Martin', organisation: 'fr-centre', roles: ['staff'], locale: 'fr' },
  { email: 'coordinator@fr-centre.example', name: 'Julien Bernard', organisation: 'fr-centre', roles: ['coordinator'], locale: 'fr' },
  { email: 'staff@kz-centre.example', name: 'Aigerim Nurlanovna', organisation: 'kz-centre', roles: ['staff'], locale: 'ru' },
  { email: 'admin@meridian.example', name: 'Oliver Hughes', organisation: 'meridian', roles: ['admin'] },
  { email: 'member@meridian.example', name: 'Priya Shah', organisation: 'meridian', roles: ['member'] },
  { email: 'admin@orbis.example', name: 'Dana Whitfield', organisation: 'orbis', roles: ['admin'] },
  { email: 'member@orbis.example', name: 'Marcus Lee', organisation: 'orbis', roles: ['member'] },
  { email: 'admin@atlas.example', name: 'Siobhan Kelly', organisation: 'atlas', roles: ['admin'] },
  { email: 'member@atlas.example', name: 'Conor Walsh', organisation: 'atlas', roles: ['member'] },
  { email: 'admin@nordlink.example', name: 'Erik Lindqvist', organisation: 'nordlink', roles: ['admin'] },
  { email: 'member@keystone.example', name: 'Luca Borg', organisation: 'keystone', roles: ['member'] },
  { email: 'admin@rhone.example', name: 'Élise Moreau', organisation: 'rhone', roles: ['admin'], locale: 'fr' },
  { email: 'admin@unity.example', name: 'Mathilde Claes', organisation: 'unity', roles: ['admin'] },
  { email: 'admin@baltic.example', name: 'Rūta Kazlauskienė', organisation: 'baltic', roles: ['admin'] },
  { email: 'admin@cloudharbour.example', name: 'Jonas Weber', organisation: 'cloudharbour', roles: ['admin'] },
  { email: 'member@swiftpurse.example', name: 'Paul Schmit', organisation: 'swiftpurse', roles: ['member'] },
  { email: 'admin@alpine.example', name: 'Lena Gruber', organisation: 'alpine', roles: ['admin'] },
  { email: 'operator@portal.example', name: 'Ingrid Operator', organisation: 'operator', roles: ['platform_admin'] },
]

export type DemoAccount = { email: string; name: string; organisation: string; roles: Role[]; totpSecret: string }

/**
 * Seeds the demo data set when the database holds no organisation yet. Returns what it did, with the
 * seeded accounts (and their TOTP secrets, which only the demo ever prints).
 */
export async function seedDemoData() {
  const existing = await countOrganisations()
  if (existing > 0) return { seeded: false as const, organisations: existing, accounts: [] as DemoAccount[] }

  const ids = new Map<string, { id: string; legalName: string; kind: OrganisationKind }>()
  for (const { key, ...organisation } of demoOrganisations) {
    const created = await createTestOrganisation({ ...organisation, status: 'active' })
    ids.set(key, { id: created.id, legalName: created.legalName, kind: created.kind })
  }
  const operator = await createTestOrganisation({ legalName: 'Portal Operations Unit', kind: 'other', country: 'NL', status: 'active' })
  ids.set('operator', { id: operator.id, legalName: operator.legalName, kind: 'other' })
  await designateOperator(operator.id)

  const accounts: DemoAccount[] = []
  const userIds = new Map<string, string>()
  for (const person of demoPeople) {
    const organisation = ids.get(person.organisation)
    if (!organisation) throw new Error(`unknown seed organisation ${person.organisation}`)
    const user = await createTestUser({
      organisationId: organisation.id,
      email: person.email,
      name: person.name,
      roles: person.roles,
      password: DEMO_PASSWORD,
      locale: person.locale,
    })
    userIds.set(user.email, user.id)
    accounts.push({ email: user.email, name: person.name, organisation: organisation.legalName, roles: person.roles, totpSecret: user.totpSecret ?? '' })
  }

  // Two applications waiting for a coordinator, and one organisation on probation since approval.
  await submitApplication(
    {
      legalName: 'Danube Payments Zrt.',
      kind: 'payment_service',
      country: 'HU',
      contactName: 'Zsófia Kovács',
      contactEmail: 'compliance@danube-payments.example',
      contactPhone: '+36 1 555 0142',
      applicantName: 'Zsófia Kovács',
      applicantEmail: 'zsofia.kovacs@danube-payments.example',
      acceptTerms: 'on',
      agreementReference: undefined,
    },
    { locale: 'en' },
  )
  await submitApplication(
    {
      legalName: 'Adriatic Hosting d.o.o.',
      kind: 'hosting_provider',
      country: 'HR',
      contactName: 'Marko Horvat',
      contactEmail: 'abuse@adriatic-hosting.example',
      contactPhone: '+385 1 555 0199',
      applicantName: 'Marko Horvat',
      applicantEmail: 'marko.horvat@adriatic-hosting.example',
      acceptTerms: 'on',
      agreementReference: 'PPP-2026-0311',
    },
    { locale: 'en' },
  )
  const probation = await createTestOrganisation({
    legalName: 'Lumen Child Safety Hotline',
    kind: 'hotline_ngo',
    country: 'PT',
    status: 'probation',
    probationEndsAt: new Date(Date.now() + 21 * 24 * 60 * 60 * 1000),
  })
  const lumen = await createTestUser({ organisationId: probation.id, email: 'admin@lumen.example', name: 'Inês Costa', roles: ['admin'], password: DEMO_PASSWORD })
  accounts.push({ email: lumen.email, name: 'Inês Costa', organisation: probation.legalName, roles: ['admin'], totpSecret: lumen.totpSecret ?? '' })
  const lumenUserId = lumen.id

  // One organisation suspended by the Dutch coordinator, with the reason on record.
  const suspended = await createTestOrganisation({ legalName: 'QuickVault Payments Ltd', kind: 'payment_service', country: 'CY', status: 'active' })
  const coordinator = accounts.find((account) => account.email === 'coordinator@nl-centre.example')
  const nlCentre = ids.get('nl-centre')
  if (coordinator && nlCentre) {
    const by: Viewer = {
      userId: userIds.get(coordinator.email) ?? '',
      name: coordinator.name,
      email: coordinator.email,
      roles: ['coordinator'],
      organisationId: nlCentre.id,
      organisationName: nlCentre.legalName,
      organisationKind: 'national_centre',
      organisationStatus: 'active',
      isOperator: false,
    }
    await suspendOrganisation({
      organisationId: suspended.id,
      reason: 'Compliance review after repeated failure to act on coordination tasks.',
      by,
    })
  }
  const people = new Map(
    [...userIds].map(([email, id]) => {
      const person = demoPeople.find((p) => p.email === email)
      return [email, { id, organisationId: ids.get(person?.organisation ?? '')?.id ?? '' }] as const
    }),
  )
  const lumenAdmin = accounts.find((a) => a.email === 'admin@lumen.example')
  if (lumenAdmin) people.set(lumenAdmin.email, { id: lumenUserId, organisationId: probation.id })
  ids.set('lumen', { id: probation.id, legalName: probation.legalName, kind: 'hotline_ngo' })
  const seededTasks = await seedDemoTasks({ organisations: ids, people })
  const indicators = await seedDemoIndicators(seededTasks)
  const tasks = seededTasks.count
  const organisations = await countOrganisations()
  await recordAudit({ action: 'system.demo_seeded', actor: { label: 'demo seed' }, details: { organisations, tasks, indicators } })
  return { seeded: true as const, organisations, tasks, indicators, accounts }
}
