import { afterAll, beforeAll, inject } from 'vitest'
import { connectDatabase, disconnectDatabase } from '~/utils/db.server'

process.env.NODE_ENV = 'test'
process.env.MONGODB_URI = inject('e2eDatabaseUrl')

// Browser tests arrange their data through the same domain functions and factories as the seed.
beforeAll(async () => {
  await connectDatabase(process.env.MONGODB_URI)
})

afterAll(async () => {
  await disconnectDatabase()
})
