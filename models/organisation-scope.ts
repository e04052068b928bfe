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

type ScopeOptions = { paths?: string[] }

/** True when the filter pins at least one organisation path, at top level or in every `$or` branch. */
function isScoped(filter: Record<string, unknown>, paths: string[]): boolean {
  if (paths.some((path) => filter[path] !== undefined)) return true
  const branches = filter.$or
  if (Array.isArray(branches) && branches.length > 0) {
    return branches.every((branch) => isScoped(branch as Record<string, unknown>, paths))
  }
  const all = filter.$and
  return Array.isArray(all) && all.some((part) => isScoped(part as Record<string, unknown>, paths))
}

/**
 * Fails closed: a query on an organisation-scoped model must filter by its organisation path(s)
 * (`organisationId` by default), unless the caller states why it spans organisations with
 * `.setOptions({ acrossOrganisations: '<why>' })`.
 */
export function organisationScoped(schema: Schema, { paths = ['organisationId'] }: ScopeOptions = {}) {
  for (const operation of queryOperations) {
    schema.pre(operation, function () {
      const filter = this.getFilter() as Record<string, unknown>
      const reason = (this.getOptions() as { acrossOrganisations?: string }).acrossOrganisations
      if (!isScoped(filter, paths) && !reason) {
        throw new OrganisationScopeError(
          `${this.model.modelName}.${operation} without a filter on ${paths.join(' or ')}: scope it, or state why it spans organisations`,
        )
      }
    })
  }
  schema.pre('aggregate', function () {
    const first = this.pipeline()[0] as { $match?: Record<string, unknown> } | undefined
    const reason = (this.options as { acrossOrganisations?: string }).acrossOrganisations
    if (!(first?.$match && isScoped(first.$match, paths)) && !reason) {
      throw new OrganisationScopeError(
        `${this.model().modelName}.aggregate must start with a $match on ${paths.join(' or ')}, or state why it spans organisations`,
      )
    }
  })
}
