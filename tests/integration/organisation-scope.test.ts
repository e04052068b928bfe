import mongoose, { Schema } from 'mongoose'
import { expect, test } from 'vitest'
import { organisationScoped, OrganisationScopeError } from '../../models/organisation-scope'

const schema = new Schema({ ownerId: Schema.Types.ObjectId, assigneeId: Schema.Types.ObjectId, title: String })
schema.plugin(organisationScoped, { paths: ['ownerId', 'assigneeId'] })
const Scoped = mongoose.model('ScopeProbe', schema)
const id = new mongoose.Types.ObjectId()

test('a query without an organisation filter is refused before it reaches the database', async () => {
  await expect(Scoped.find({ title: 'x' })).rejects.toBeInstanceOf(OrganisationScopeError)
  await expect(Scoped.countDocuments({})).rejects.toBeInstanceOf(OrganisationScopeError)
  await expect(Scoped.updateMany({}, { $set: { title: 'y' } })).rejects.toBeInstanceOf(OrganisationScopeError)
  await expect(Scoped.aggregate([{ $group: { _id: '$title' } }])).rejects.toBeInstanceOf(OrganisationScopeError)
  // An $or is scoped only when every branch is.
  await expect(Scoped.find({ $or: [{ ownerId: id }, { title: 'x' }] })).rejects.toBeInstanceOf(OrganisationScopeError)
})

test('scoped queries, and stated cross-organisation ones, run', async () => {
  await expect(Scoped.find({ ownerId: id })).resolves.toEqual([])
  await expect(Scoped.find({ $or: [{ ownerId: id }, { assigneeId: id }] })).resolves.toEqual([])
  await expect(Scoped.aggregate([{ $match: { assigneeId: id } }])).resolves.toEqual([])
  await expect(Scoped.countDocuments({}).setOptions({ acrossOrganisations: 'test of the escape hatch' })).resolves.toBe(0)
})
