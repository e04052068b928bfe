import os from 'node:os'
import { execFileSync } from 'node:child_process'
import { FERRETDB_VERSION } from '../../app/utils/ferretdb.server'

/** A number from the environment, or the fallback when it is missing or not a positive number. */
export function envNumber(name: string, fallback: number, { integer = false }: { integer?: boolean } = {}) {
  const raw = process.env[name]
  if (raw === undefined || raw.trim() === '') return fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new Error(`${name} must be a positive ${integer ? 'whole ' : ''}number (got "${raw}")`)
  }
  return value
}

/** Linear-interpolated quantile of a sample (q in 0..1); NaN for an empty sample. */
export function quantile(values: readonly number[], q: number) {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const position = (sorted.length - 1) * q
  const low = Math.floor(position)
  const high = Math.ceil(position)
  return (sorted[low] as number) + ((sorted[high] as number) - (sorted[low] as number)) * (position - low)
}

export type Percentiles = { n: number; p50: number; p95: number; p99: number; max: number; mean: number }

export function percentiles(values: readonly number[]): Percentiles {
  return {
    n: values.length,
    p50: quantile(values, 0.5),
    p95: quantile(values, 0.95),
    p99: quantile(values, 0.99),
    max: values.length ? Math.max(...values) : Number.NaN,
    mean: values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : Number.NaN,
  }
}

export const thousands = (value: number) => Math.round(value).toLocaleString('en-GB')

/** Milliseconds for a table: one decimal below 100, whole above. */
export function ms(value: number) {
  if (!Number.isFinite(value)) return '–'
  return value < 100 ? value.toFixed(1) : thousands(value)
}

export const pad = (text: string | number, width: number) => String(text).padStart(width)
export const padEnd = (text: string | number, width: number) => String(text).padEnd(width)

export const sleep = (millis: number) => new Promise<void>((resolve) => setTimeout(resolve, millis))

export type Machine = { cpu: string; cores: number; memoryGiB: number; node: string; os: string; database: string }

/** What ran the figures: they mean little without it. */
export function machine(): Machine {
  const cpus = os.cpus()
  let name = cpus[0]?.model?.trim() ?? 'unknown CPU'
  if (!name || name === 'unknown') {
    try {
      name = execFileSync('sh', ['-c', "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"]).toString().trim() || 'unknown CPU'
    } catch {
      name = 'unknown CPU'
    }
  }
  return {
    cpu: name,
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    database: `FerretDB ${FERRETDB_VERSION} (SQLite backend), embedded`,
  }
}
