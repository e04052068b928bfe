import mongoose from 'mongoose'
import { beforeAll, expect, test } from 'vitest'
import { countOrganisations, getPartnershipOverview } from '~/partners/organisations.server'
import { demoOrganisations, seedDemoData } from '../../scripts/seed-data'

beforeAll(async () => {
  await mongoose.connection.dropDatabase()
  await Promise.all(Object.values(mongoose.models).map((model) => model.createIndexes()))
})

test('the demo seed fills an empty database once', async () => {
  expect(await seedDemoData()).toEqual({ seeded: true, organisations: 15 })
  expect(await getPartnershipOverview()).toEqual({ centres: 3, partners: 12, countries: 13 })
  expect(await seedDemoData()).toEqual({ seeded: false, organisations: 15 })
  expect(await countOrganisations()).toBe(15)
})

test('the demo covers three centres in different countries and partners of many kinds', () => {
  const centres = demoOrganisations.filter((o) => o.kind === 'national_centre')
  expect(new Set(centres.map((o) => o.country)).size).toBe(3)
  const partnerKinds = new Set(demoOrganisations.filter((o) => o.kind !== 'national_centre').map((o) => o.kind))
  expect(partnerKinds.size).toBeGreaterThanOrEqual(8)
})
