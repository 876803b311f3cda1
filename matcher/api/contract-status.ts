/**
 * The status the ABIS contract allows for an error: 503 for anything temporary, 401 for a refused
 * credential (bearer tokens are an extension), 400 for every other permanent failure.
 */
export function contractStatus(status: number): 400 | 401 | 503 {
  if (status >= 500 || status === 429) return 503;
  return status === 401 ? 401 : 400;
}
