import { countOrganisations } from '~/partners/organisations.server'
import type { OrganisationKind } from '~/domain/vocabulary'
import { createTestOrganisation } from '../tests/factories/organisations'

type SeedOrganisation = { legalName: string; kind: OrganisationKind; country: string }

/** Three national centres in different countries and twelve partners across the organisation kinds. */
export const demoOrganisations: SeedOrganisation[] = [
  { legalName: 'Netherlands National Operational Centre against Child Exploitation', kind: 'national_centre', country: 'NL' },
  { legalName: 'Centre opérationnel national de protection des mineurs en ligne', kind: 'national_centre', country: 'FR' },
  { legalName: 'Kazakhstan National Centre for Child Online Safety', kind: 'national_centre', country: 'KZ' },
  { legalName: 'NordLink Broadband AB', kind: 'isp', country: 'SE' },
  { legalName: 'Alpine Telecom GmbH', kind: 'isp', country: 'AT' },
  { legalName: 'CloudHarbour Hosting GmbH', kind: 'hosting_provider', country: 'DE' },
  { legalName: 'Meridian Bank plc', kind: 'bank', country: 'GB' },
  { legalName: 'Banque du Rhône SA', kind: 'bank', country: 'FR' },
  { legalName: 'Orbis Card Network Inc.', kind: 'card_scheme', country: 'US' },
  { legalName: 'Unity Payment Scheme SA', kind: 'card_scheme', country: 'BE' },
  { legalName: 'Atlas Merchant Services Ltd', kind: 'acquirer_processor', country: 'IE' },
  { legalName: 'Baltic Acquiring UAB', kind: 'acquirer_processor', country: 'LT' },
  { legalName: 'SwiftPurse Payments S.à r.l.', kind: 'payment_service', country: 'LU' },
  { legalName: 'Keystone Digital Asset Exchange Ltd', kind: 'crypto_exchange', country: 'MT' },
  { legalName: 'SafeWeb Hotline Foundation', kind: 'hotline_ngo', country: 'NL' },
]

/** Seeds the demo data set when the database holds no organisation yet; returns what it did. */
export async function seedDemoData() {
  const existing = await countOrganisations()
  if (existing > 0) return { seeded: false as const, organisations: existing }
  for (const organisation of demoOrganisations) {
    await createTestOrganisation({ ...organisation, status: 'active' })
  }
  return { seeded: true as const, organisations: demoOrganisations.length }
}
