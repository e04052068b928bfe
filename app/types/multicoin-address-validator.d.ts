// The package ships no types; only what app/indicators/types.ts uses is declared.

declare module 'multicoin-address-validator' {
  type NetworkType = 'prod' | 'testnet' | 'both'
  interface Currency {
    name: string
    symbol: string
  }
  const validator: {
    /** True when `address` is a valid address of the currency (name or symbol) on the network (default prod). */
    validate(address: string, currencyNameOrSymbol: string, options?: NetworkType | { networkType?: NetworkType; chainType?: string }): boolean
    findCurrency(symbol: string): Currency | null
    getCurrencies(): Currency[]
  }
  export default validator
}

declare module 'multicoin-address-validator/src/crypto/bech32.js' {
  const bech32: {
    encodings: { BECH32: 'bech32'; BECH32M: 'bech32m' }
    /** Checks the checksum of 5-bit `data` (checksum included) under `hrp`; no length limit. */
    verifyChecksum(hrp: string, data: number[], encoding: 'bech32' | 'bech32m'): boolean
    encode(hrp: string, data: number[], encoding: 'bech32' | 'bech32m'): string
  }
  export default bech32
}
