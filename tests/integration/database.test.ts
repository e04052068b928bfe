import mongoose from 'mongoose'
import { expect, test } from 'vitest'
import { connectDatabase, pingDatabase } from '~/utils/db.server'

test('the process keeps one connection to the embedded database', async () => {
  const first = await connectDatabase()
  const second = await connectDatabase()
  expect(second).toBe(first)
  expect(mongoose.connection.readyState).toBe(mongoose.ConnectionStates.connected)
  expect(await pingDatabase()).toBe(true)
})

test('each test worker has a database of its own', () => {
  expect(mongoose.connection.db?.databaseName).toBe(`test_${process.env.VITEST_POOL_ID ?? '0'}`)
})
