/**
 * Keeps a secret key out of what a program prints by accident: a parsed
 * options object holds `secretKey` as a non-enumerable property, so
 * `util.inspect`, `console.log` and `JSON.stringify` skip it while code that
 * asks for `options.secretKey` still gets it. A spread (`{ ...options }`)
 * drops it too: pass it on by name.
 */

/** Names of options whose values are never shown (in errors or anywhere else). */
export const SECRET_OPTION = /secret|password|token/i;

/** `options` with its `secretKey` (if any) made non-enumerable; the same object. */
export function hideSecretKey<T extends { readonly secretKey?: string }>(options: T): T {
  if (options.secretKey !== undefined) {
    Object.defineProperty(options, "secretKey", { value: options.secretKey, enumerable: false, writable: false, configurable: false });
  }
  return options;
}
