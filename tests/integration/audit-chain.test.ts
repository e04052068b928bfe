import mongoose from 'mongoose'
import { beforeEach, describe, expect, test } from 'vitest'
import { hashAuditEvent, recordAudit, verifyAuditChain } from '~/audit/audit.server'

function auditCollection() {
  const db = mongoose.connection.db
  if (!db) throw new Error('not connected')
  return db.collection('auditevents')
}

async function storedEvents() {
  return auditCollection().find({}).sort({ seq: 1 }).toArray()
}

async function recordSeries(count: number) {
  for (let i = 1; i <= count; i++) {
    await recordAudit({
      action: i % 2 ? 'auth.sign_in' : 'user.invited',
      outcome: i % 3 ? 'success' : 'failure',
      actor: { userId: `user-${i}`, label: `person${i}@example.org` },
      target: { kind: 'user', id: `target-${i}` },
      meta: { ip: '203.0.113.7', userAgent: 'vitest' },
      details: { attempt: i, note: `event ${i}` },
    })
  }
}

beforeEach(async () => {
  await auditCollection().deleteMany({})
})

describe('the audit chain', () => {
  test('an empty log is intact', async () => {
    expect(await verifyAuditChain()).toEqual({ ok: true, checked: 0 })
  })

  test('events written one after another link up and verify', async () => {
    await recordSeries(6)
    const events = await storedEvents()
    expect(events.map((event) => event.seq)).toEqual([1, 2, 3, 4, 5, 6])
    expect(events[0]?.prevHash).toBe('0'.repeat(64))
    for (let i = 1; i < events.length; i++) expect(events[i]?.prevHash).toBe(events[i - 1]?.hash)
    expect(await verifyAuditChain()).toEqual({ ok: true, checked: 6 })
  })

  test('twenty concurrent writers get contiguous sequence numbers and an intact chain', async () => {
    await recordSeries(3)
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        recordAudit({ action: 'auth.sign_out', actor: { label: `concurrent-${i}` }, details: { index: i } }),
      ),
    )
    const events = await storedEvents()
    expect(events.map((event) => event.seq)).toEqual(Array.from({ length: 23 }, (_, i) => i + 1))
    expect(new Set(events.map((event) => event.actorLabel)).size).toBe(23)
    expect(await verifyAuditChain()).toEqual({ ok: true, checked: 23 })
  })

  test('an event edited by hand is reported by its sequence number and id, reason "hash"', async () => {
    await recordSeries(8)
    const victim = (await storedEvents())[4]
    if (!victim) throw new Error('missing event')
    await auditCollection().updateOne({ _id: victim._id }, { $set: { action: 'auth.sign_out' } })
    expect(await verifyAuditChain()).toEqual({
      ok: false,
      checked: 4,
      brokenAt: { seq: 5, id: String(victim._id), reason: 'hash' },
    })
  })

  test('a change hidden in the details is caught too', async () => {
    await recordSeries(4)
    const victim = (await storedEvents())[1]
    if (!victim) throw new Error('missing event')
    await auditCollection().updateOne({ _id: victim._id }, { $set: { 'details.note': 'nothing happened' } })
    const report = await verifyAuditChain()
    expect(report).toMatchObject({ ok: false, brokenAt: { seq: 2, id: String(victim._id), reason: 'hash' } })
  })

  test('an edited event given a fresh hash breaks the link from the next one, reason "link"', async () => {
    await recordSeries(4)
    const [, victim, next] = await storedEvents()
    if (!victim || !next) throw new Error('missing event')
    const forged = { ...victim, action: 'auth.sign_out' } as unknown as Parameters<typeof hashAuditEvent>[0]
    await auditCollection().updateOne({ _id: victim._id }, { $set: { action: 'auth.sign_out', hash: hashAuditEvent(forged) } })
    expect(await verifyAuditChain()).toEqual({
      ok: false,
      checked: 2,
      brokenAt: { seq: 3, id: String(next._id), reason: 'link' },
    })
  })

  test('a deleted event leaves a gap, reported at the event after it', async () => {
    await recordSeries(6)
    const events = await storedEvents()
    const deleted = events[2]
    const next = events[3]
    if (!deleted || !next) throw new Error('missing event')
    await auditCollection().deleteOne({ _id: deleted._id })
    expect(await verifyAuditChain()).toEqual({
      ok: false,
      checked: 2,
      brokenAt: { seq: 4, id: String(next._id), reason: 'gap' },
    })
  })

  test('secrets in the details are never stored', async () => {
    await recordAudit({
      action: 'auth.password_reset',
      actor: { label: 'someone@example.org' },
      details: { password: 'x', token: 'y', note: 'z' },
    })
    const [event] = await storedEvents()
    expect(event?.details).toEqual({ note: 'z' })
    expect(JSON.stringify(event)).not.toContain('"x"')
    expect(JSON.stringify(event)).not.toContain('"y"')
    expect(await verifyAuditChain()).toEqual({ ok: true, checked: 1 })
  })
})
