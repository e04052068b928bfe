/** Public figures never show small counts that could identify someone: under 5 reads "<5". */
export function publicCount(count: number): string {
  return count < 5 ? '<5' : count.toLocaleString('en')
}
