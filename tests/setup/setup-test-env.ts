import mongoose from 'mongoose'
import { afterAll, beforeAll, inject } from 'vitest'
import { connectDatabase, disconnectDatabase } from '~/utils/db.server'

process.env.NODE_ENV = 'test'
const databaseName = `test_${process.env.VITEST_POOL_ID ?? '0'}`
process.env.MONGODB_URI = `${inject('databaseServerUrl')}/${databaseName}`

// An unexpected console.error is a failure, not noise.
console.error = (...args: unknown[]) => {
  throw new Error(`console.error was called: ${args.map(String).join(' ')}`)
}

beforeAll(async () => {
  await connectDatabase(process.env.MONGODB_URI)
  await mongoose.connection.dropDatabase()
  await Promise.all(Object.values(mongoose.models).map((model) => model.createIndexes()))
})

afterAll(async () => {
  await disconnectDatabase()
})
