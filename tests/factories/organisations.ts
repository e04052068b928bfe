import { faker } from '@faker-js/faker'
import { organisationKinds, type OrganisationKind } from '~/domain/vocabulary'
import { createOrganisation, type OrganisationInput } from '~/partners/organisations.server'

const kindSuffix: Record<OrganisationKind, string> = {
  national_centre: 'National Operational Centre',
  isp: 'Broadband',
  hosting_provider: 'Hosting',
  bank: 'Bank',
  card_scheme: 'Card Network',
  acquirer_processor: 'Merchant Services',
  payment_service: 'Pay',
  crypto_exchange: 'Crypto Exchange',
  hotline_ngo: 'Hotline',
  other: 'Group',
}

/** A valid organisation with plausible details; every field can be overridden. */
export function buildOrganisation(overrides: Partial<OrganisationInput> = {}): OrganisationInput {
  const kind = overrides.kind ?? faker.helpers.arrayElement(organisationKinds)
  const contactName = faker.person.fullName()
  return {
    legalName: `${faker.company.name()} ${kindSuffix[kind]} ${faker.string.alphanumeric(4).toUpperCase()}`,
    kind,
    country: faker.location.countryCode('alpha-2'),
    agreementReference: `PPP-${faker.date.past({ years: 3 }).getFullYear()}-${faker.string.numeric(4)}`,
    contact: {
      name: contactName,
      email: faker.internet.email({ firstName: contactName.split(' ')[0], provider: 'example.org' }).toLowerCase(),
      phone: `+${faker.string.numeric({ length: 11, allowLeadingZeros: false })}`,
    },
    status: 'active',
    ...overrides,
  }
}

export async function createTestOrganisation(overrides: Partial<OrganisationInput> = {}) {
  return createOrganisation(buildOrganisation(overrides))
}
