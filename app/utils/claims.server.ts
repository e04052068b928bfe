import { ClaimModel } from '../../models/claim'

/** True for the one caller that claims `key` first; false for everyone after it. */
export async function claimOnce(key: string): Promise<boolean> {
  try {
    await ClaimModel.create({ _id: key, at: new Date() })
    return true
  } catch (error) {
    if ((error as { code?: number }).code === 11000) return false
    throw error
  }
}

/** Gives a claim back when the work it guarded could not be done. */
export async function releaseClaim(key: string) {
  await ClaimModel.deleteOne({ _id: key })
}

/** Claims several keys, ignoring those already taken (marks things as spent). */
export async function claimAll(keys: string[]) {
  if (keys.length === 0) return
  await ClaimModel.insertMany(
    keys.map((key) => ({ _id: key, at: new Date() })),
    { ordered: false },
  ).catch((error: { code?: number; writeErrors?: { code?: number }[] }) => {
    const errors = error.writeErrors ?? [error]
    if (!errors.every((e) => (e as { code?: number }).code === 11000 || (e as { err?: { code?: number } }).err?.code === 11000)) {
      throw error
    }
  })
}
