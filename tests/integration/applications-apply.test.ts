import { describe, expect, test } from 'vitest'
import { APPLICATION_RATE_LIMIT } from '~/partners/applications.server'
import { action, loader } from '~/routes/apply'
import { localeCookie } from '~/utils/i18next.server'
import { anonymousClient, call, get, post, routeArgs, testContext, withCookie, type Client } from '../support/requests'
import { auditEvents, body, collection, member, outbox, outcome, uniqueName } from './partners-support'

let lastIp = 0
/** Each test applies from its own address, so the per-address limit only bites where a test wants it. */
const freshAddress = () => `192.0.2.${++lastIp}`

function applicationFields(overrides: Record<string, string> = {}) {
  const slug = Math.random().toString(36).slice(2, 8)
  return {
    legalName: uniqueName('Applicant'),
    kind: 'acquirer_processor',
    country: 'PT',
    agreementReference: '',
    contactName: 'Compliance desk',
    contactEmail: `compliance-${slug}@example.org`,
    contactPhone: '+351 21 123 4567',
    applicantName: 'Inês Duarte',
    applicantEmail: `ines-${slug}@example.org`,
    acceptTerms: 'on',
    ...overrides,
  }
}

async function apply(client: Client, fields: Record<string, string>, { ip = freshAddress(), csrf = true } = {}) {
  return outcome(await call(() => action(routeArgs(post('/apply', client, fields, { csrf }), {}, { ...testContext, clientIp: ip }))))
}

const organisationsNamed = (legalName: string) => collection('organisations').find({ nameKey: legalName.toLowerCase() }).toArray()

describe('applying to join', () => {
  test('a complete application is stored as applied, acknowledged by e-mail and audited', async () => {
    const client = await anonymousClient()
    const fields = applicationFields({ agreementReference: 'MoU-PT-2024-07' })
    const result = await apply(client, fields)
    expect(result).toMatchObject({ status: 302, location: '/apply?submitted=1' })

    const [stored] = await organisationsNamed(fields.legalName)
    expect(stored).toMatchObject({
      legalName: fields.legalName,
      kind: 'acquirer_processor',
      country: 'PT',
      status: 'applied',
      isOperator: false,
      agreementReference: 'MoU-PT-2024-07',
      contact: { name: 'Compliance desk', email: fields.contactEmail, phone: '+351 21 123 4567' },
      applicant: { name: 'Inês Duarte', email: fields.applicantEmail, locale: 'en' },
    })
    expect(stored?.termsAcceptedAt).toBeInstanceOf(Date)

    const mail = await outbox(fields.applicantEmail)
    expect(mail).toHaveLength(1)
    expect(mail[0]).toMatchObject({ kind: 'applicationReceived', status: 'pending' })
    expect(mail[0]?.subject).toContain(fields.legalName)
    expect(mail[0]?.text).toContain('Inês Duarte')

    const audit = await auditEvents('partner.applied', String(stored?._id))
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({ actorLabel: fields.applicantEmail, details: { kind: 'acquirer_processor', country: 'PT' } })
  })

  test('the acknowledgement is written in the language the applicant was using', async () => {
    const client = withCookie(await anonymousClient(), await localeCookie.serialize('fr'))
    const fields = applicationFields()
    expect((await apply(client, fields)).status).toBe(302)
    const [stored] = await organisationsNamed(fields.legalName)
    expect(stored?.applicant).toMatchObject({ locale: 'fr' })
    const [mail] = await outbox(fields.applicantEmail)
    expect(mail?.subject).toBe(`Nous avons reçu la candidature de ${fields.legalName}`)
  })

  test('a legal name already known, whatever its case and spacing, is refused with the form kept and nothing stored', async () => {
    const client = await anonymousClient()
    const first = applicationFields()
    expect((await apply(client, first)).status).toBe(302)

    const again = applicationFields({ legalName: `  ${first.legalName.toUpperCase().replace(' ', '   ')} ` })
    const result = await apply(client, again)
    expect(result.status).toBe(400)
    expect(result.body).toMatchObject({ errors: { legalName: ['nameTaken'] }, values: { applicantEmail: again.applicantEmail } })
    expect(await organisationsNamed(first.legalName)).toHaveLength(1)
    expect(await outbox(again.applicantEmail)).toHaveLength(0)
  })

  test('without accepting the terms nothing is stored', async () => {
    const client = await anonymousClient()
    const { acceptTerms: _accepted, ...fields } = applicationFields()
    const result = await apply(client, fields)
    expect(result.status).toBe(400)
    expect(result.body).toMatchObject({ errors: { acceptTerms: ['termsRequired'] }, values: { legalName: fields.legalName } })
    expect(await organisationsNamed(fields.legalName)).toHaveLength(0)
    expect(await outbox(fields.applicantEmail)).toHaveLength(0)
  })

  test('missing and malformed fields answer 400 with a code per field', async () => {
    const client = await anonymousClient()
    const fields = applicationFields({ kind: 'casino', country: 'ZZ', contactEmail: 'not an address', applicantName: '   ', contactPhone: 'call us' })
    const result = await apply(client, fields)
    expect(result.status).toBe(400)
    expect(result.body).toMatchObject({
      errors: {
        kind: ['invalid'],
        country: ['invalid'],
        contactEmail: ['email'],
        applicantName: ['required'],
        contactPhone: ['invalid'],
      },
    })
    expect(await organisationsNamed(fields.legalName)).toHaveLength(0)
  })

  test('an application can never make its organisation the operator', async () => {
    const client = await anonymousClient()
    const fields = { ...applicationFields({ kind: 'other' }), isOperator: 'true' }
    expect((await apply(client, fields)).status).toBe(302)
    const [stored] = await organisationsNamed(fields.legalName)
    expect(stored).toMatchObject({ kind: 'other', isOperator: false, status: 'applied' })
  })

  test('a form without its anti-forgery field answers 403 and stores nothing', async () => {
    const client = await anonymousClient()
    const fields = applicationFields()
    expect((await apply(client, fields, { csrf: false })).status).toBe(403)
    expect(await organisationsNamed(fields.legalName)).toHaveLength(0)
  })

  test(`more than ${APPLICATION_RATE_LIMIT.attempts} applications an hour from one address answer 429`, async () => {
    const client = await anonymousClient()
    const ip = freshAddress()
    for (let i = 0; i < APPLICATION_RATE_LIMIT.attempts; i++) {
      // Incomplete forms are cheap to send and count all the same.
      expect((await apply(client, { legalName: `x${i}` }, { ip })).status).toBe(400)
    }
    const fields = applicationFields()
    const refused = await apply(client, fields, { ip })
    expect(refused.status).toBe(429)
    expect(refused.body).toMatchObject({ formError: 'rateLimited', values: { legalName: fields.legalName } })
    expect(await organisationsNamed(fields.legalName)).toHaveLength(0)
    // Another address is not affected.
    expect((await apply(client, fields)).status).toBe(302)
  })

  test('the form lists every country by name in the reader’s language, in its alphabetical order', async () => {
    const client = withCookie(await anonymousClient(), await localeCookie.serialize('fr'))
    const data = body(await call(() => loader(routeArgs(get('/apply', client)))))
    expect(data.countries.length).toBeGreaterThan(240)
    expect(data.countries.find((country) => country.code === 'DE')?.name).toBe('Allemagne')
    const names = data.countries.map((country) => country.name)
    expect(names).toEqual([...names].sort(new Intl.Collator('fr').compare))
    // Accents do not push a country to the end: "Égypte" sits among the E's.
    expect(names.indexOf('Égypte')).toBeLessThan(names.indexOf('Érythrée'))
    expect(names.indexOf('Égypte')).toBeLessThan(names.indexOf('Zambie'))
  })

  test('people who are signed in are sent home instead of applying', async () => {
    const { client } = await member()
    const result = outcome(await call(() => loader(routeArgs(get('/apply', client)))))
    expect(result).toMatchObject({ status: 302, location: '/home' })
  })
})
