import type { Schema } from 'mongoose'

declare module 'mongoose' {
  interface MongooseQueryOptions {
    /** Why this query spans organisations; without it an organisation-scoped query must filter by one. */
    acrossOrganisations?: string
  }
  interface AggregateOptions {
    acrossOrganisations?: string
  }
}

export class OrganisationScopeError extends Error {
  override name = 'OrganisationScopeError'
}

const queryOperations = [
  'find',
  'findOne',
  'countDocuments',
  'findOneAndUpdate',
  'findOneAndDelete',
  'updateOne',
  'updateMany',
  'deleteOne',
  'deleteMany',
  'distinct',
] as const

/**
 * Fails closed: a query on an organisation-scoped model must filter by `organisationId`, unless the
 * caller states that it spans organisations with `.setOptions({ acrossOrganisations: '<why>' })`.
 */
export function organisationScoped(schema: Schema) {
  for (const operation of queryOperations) {
    schema.pre(operation, function () {
      const filter = this.getFilter() as Record<string, unknown>
      const reason = (this.getOptions() as { acrossOrganisations?: string }).acrossOrganisations
      if (filter.organisationId === undefined && !reason) {
        throw new OrganisationScopeError(
          `${this.model.modelName}.${operation} without an organisationId filter: scope it, or state why it spans organisations`,
        )
      }
    })
  }
  schema.pre('aggregate', function () {
    const first = this.pipeline()[0] as { $match?: Record<string, unknown> } | undefined
    const reason = (this.options as { acrossOrganisations?: string }).acrossOrganisations
    if (first?.$match?.organisationId === undefined && !reason) {
      throw new OrganisationScopeError(
        `${this.model().modelName}.aggregate must start with a $match on organisationId, or state why it spans organisations`,
      )
    }
  })
}
