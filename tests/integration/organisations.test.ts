import { describe, expect, test } from 'vitest'
import { countOrganisations, createOrganisation, getPartnershipOverview } from '~/partners/organisations.server'
import { buildOrganisation, createTestOrganisation } from '../factories/organisations'

describe('organisations', () => {
  test('are written to and read back from the database', async () => {
    const before = await countOrganisations()
    const created = await createTestOrganisation({ kind: 'bank', country: 'fr' as string })
    expect(created).toMatchObject({ kind: 'bank', country: 'FR', status: 'active' })
    expect(await countOrganisations()).toBe(before + 1)
  })

  test('a legal name is unique whatever its case', async () => {
    const input = buildOrganisation({ legalName: 'Meridian Test Bank plc' })
    await createOrganisation(input)
    await expect(createOrganisation({ ...input, legalName: 'MERIDIAN TEST BANK PLC' })).rejects.toMatchObject({
      code: 11000,
    })
  })

  test('refuses an unknown kind or a malformed country', async () => {
    await expect(createOrganisation(buildOrganisation({ kind: 'casino' as 'bank' }))).rejects.toThrow()
    await expect(createOrganisation(buildOrganisation({ country: 'FRA' }))).rejects.toThrow()
  })

  test('the public overview counts only active organisations', async () => {
    const before = await getPartnershipOverview()
    await createTestOrganisation({ kind: 'national_centre', country: 'ZZ', status: 'active' })
    await createTestOrganisation({ kind: 'isp', country: 'ZY', status: 'applied' })
    await createTestOrganisation({ kind: 'isp', country: 'ZX', status: 'suspended' })
    const after = await getPartnershipOverview()
    expect(after.centres).toBe(before.centres + 1)
    expect(after.partners).toBe(before.partners)
    expect(after.countries).toBe(before.countries + 1)
  })
})
