import mongoose, { type Schema } from 'mongoose'

/** Registers a model once per process, keeping its inferred type (dev rebuilds re-run model files). */
export function defineModel<TSchema extends Schema>(name: string, schema: TSchema) {
  if (mongoose.models[name]) mongoose.deleteModel(name)
  return mongoose.model(name, schema)
}
