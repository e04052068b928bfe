import { z } from 'zod'
import { containsCardNumber } from './card-numbers'

/** Schemas for free text and ids, safe to use in any module (server or browser). */
export const objectId = z.string().regex(/^[a-f\d]{24}$/i, 'invalid')

/** Free text that refuses card numbers with the `cardNumber` error code. */
export const safeText = (max: number) =>
  z
    .string()
    .max(max, 'tooLong')
    .refine((text) => !containsCardNumber(text), 'cardNumber')
