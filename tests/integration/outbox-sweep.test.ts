import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import mongoose from 'mongoose'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { deliverOutbox, enqueueMail, settleDelivery, sweepSentMail } from '~/mail/outbox.server'
import { readMailbox, startSmtpSink } from '~/mail/smtp-sink.server'
import { resetEnvCache } from '~/utils/env.server'

const DAY = 24 * 60 * 60 * 1000
const db = () => mongoose.connection.db!
const outbox = () => db().collection('outboxmessages')
const claims = () => db().collection<{ _id: string; at: Date }>('claims')

let sink: Awaited<ReturnType<typeof startSmtpSink>>
let dir: string
const previousSmtp = process.env.SMTP_URL

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outbox-sweep-'))
  sink = await startSmtpSink({ dir })
  process.env.SMTP_URL = sink.url
  resetEnvCache()
})

afterAll(async () => {
  await settleDelivery()
  await sink.stop()
  if (previousSmtp === undefined) delete process.env.SMTP_URL
  else process.env.SMTP_URL = previousSmtp
  resetEnvCache()
  fs.rmSync(dir, { recursive: true, force: true })
})

let counter = 0
const address = (label: string) => `${label}-${++counter}@example.org`

/** A message put straight into the outbox, so no background pass picks it up before the test's own. */
async function queued(to: string, extra: Record<string, unknown> = {}) {
  const now = new Date()
  const { insertedId } = await outbox().insertOne({
    to,
    subject: `Subject for ${to}`,
    text: 'Body',
    kind: 'test',
    status: 'pending',
    attempts: 0,
    nextAttemptAt: now,
    dedupeKey: `test:${to}`,
    createdAt: now,
    updatedAt: now,
    ...extra,
  })
  return insertedId
}

describe('delivery passes', () => {
  test('a pass delivers a batch of due messages once each, and a second pass sends nothing more', async () => {
    await settleDelivery()
    const people = [address('batch'), address('batch'), address('batch')]
    for (const to of people) await queued(to)
    const first = await deliverOutbox()
    expect(first.sent).toBeGreaterThanOrEqual(3)
    await deliverOutbox()
    for (const to of people) {
      expect(readMailbox(dir, to)).toHaveLength(1)
      expect((await outbox().findOne({ to }))?.status).toBe('sent')
    }
  })

  test('a full batch says there is more, and the passes together send everything exactly once', async () => {
    await settleDelivery()
    const people = Array.from({ length: 5 }, () => address('paged'))
    for (const to of people) await queued(to)
    const first = await deliverOutbox({ limit: 2 })
    expect(first).toMatchObject({ sent: 2, more: true })
    let passes = 1
    for (let result = first; result.more && passes < 10; passes++) result = await deliverOutbox({ limit: 2 })
    expect(passes).toBeLessThanOrEqual(4)
    for (const to of people) expect(readMailbox(dir, to)).toHaveLength(1)
  })

  test('a sender that died between claiming and marking does not leave the message stuck', async () => {
    await settleDelivery()
    const to = address('orphan')
    const id = await queued(to)
    // The dead sender's claim on attempt 0, older than two leases.
    await claims().insertOne({ _id: `outbox:${String(id)}:0`, at: new Date(Date.now() - 5 * 60_000) })
    await deliverOutbox()
    expect(readMailbox(dir, to)).toHaveLength(0)
    await deliverOutbox()
    expect(readMailbox(dir, to)).toHaveLength(1)
    expect((await outbox().findOne({ _id: id }))?.status).toBe('sent')
  })

  test('a claim held by a live sender is left alone', async () => {
    await settleDelivery()
    const to = address('busy')
    const id = await queued(to)
    await claims().insertOne({ _id: `outbox:${String(id)}:0`, at: new Date() })
    await deliverOutbox()
    await deliverOutbox()
    expect(readMailbox(dir, to)).toHaveLength(0)
    expect(await outbox().findOne({ _id: id })).toMatchObject({ status: 'pending', attempts: 0 })
  })
})

describe('sweeping sent mail', () => {
  test('removes sent messages older than a week with their claims, and keeps recent and unsent ones', async () => {
    const old = address('old')
    const recent = address('recent')
    const waiting = address('waiting')
    await enqueueMail({ to: old, subject: 'Old', text: 'Old', kind: 'test', dedupeKey: `sweep:${old}` })
    await enqueueMail({ to: recent, subject: 'Recent', text: 'Recent', kind: 'test', dedupeKey: `sweep:${recent}` })
    await settleDelivery()
    await deliverOutbox()
    const oldMessage = await outbox().findOne({ to: old })
    expect(oldMessage?.status).toBe('sent')
    expect(await claims().countDocuments({ _id: `outbox:${String(oldMessage?._id)}:0` })).toBe(1)
    await outbox().updateOne({ to: old }, { $set: { sentAt: new Date(Date.now() - 8 * DAY) } })
    await outbox().updateOne({ to: recent }, { $set: { sentAt: new Date(Date.now() - 1 * DAY) } })
    await queued(waiting, { nextAttemptAt: new Date(Date.now() + DAY), createdAt: new Date(Date.now() - 30 * DAY) })

    expect(await sweepSentMail()).toBe(1)
    expect(await outbox().countDocuments({ to: old })).toBe(0)
    expect(await claims().countDocuments({ _id: `outbox:${String(oldMessage?._id)}:0` })).toBe(0)
    expect(await outbox().findOne({ to: recent })).toMatchObject({ status: 'sent' })
    expect(await outbox().findOne({ to: waiting })).toMatchObject({ status: 'pending' })
    expect(await sweepSentMail()).toBe(0)
  })

  test('queueing a swept message’s key again sends nothing a second time', async () => {
    const to = address('overdue')
    const dedupeKey = `mail:task:reminder:${to}`
    await enqueueMail({ to, subject: 'Overdue', text: 'Overdue', kind: 'test', dedupeKey })
    await settleDelivery()
    await deliverOutbox()
    expect(readMailbox(dir, to)).toHaveLength(1)
    await outbox().updateOne({ to }, { $set: { sentAt: new Date(Date.now() - 8 * DAY) } })
    expect(await sweepSentMail()).toBe(1)

    // The reminder job queues the same key on its next scan.
    expect(await enqueueMail({ to, subject: 'Overdue', text: 'Overdue', kind: 'test', dedupeKey })).toEqual({ queued: false })
    await settleDelivery()
    await deliverOutbox()
    expect(await outbox().countDocuments({ to })).toBe(0)
    expect(readMailbox(dir, to)).toHaveLength(1)
  })

  test('a message queued while its key was being swept is dropped by the delivery pass, not sent', async () => {
    const to = address('raced')
    const dedupeKey = `mail:raced:${to}`
    await enqueueMail({ to, subject: 'Raced', text: 'Raced', kind: 'test', dedupeKey })
    await settleDelivery()
    await deliverOutbox()
    await outbox().updateOne({ to }, { $set: { sentAt: new Date(Date.now() - 8 * DAY) } })
    expect(await sweepSentMail()).toBe(1)
    // What a caller that checked for the tombstone just before the sweep wrote it would insert.
    await queued(to, { dedupeKey })
    const pass = await deliverOutbox()
    expect(pass.dropped).toBe(1)
    expect(await outbox().countDocuments({ to })).toBe(0)
    expect(readMailbox(dir, to)).toHaveLength(1)
  })
})
