/**
 * Approximate bytes a value takes, for the devtools and for quota reports. Exactness is
 * not needed; it must be cheap and never throw.
 */
export function estimateSize(value: unknown): number {
  if (value === null || value === undefined) return 0;
  switch (typeof value) {
    case 'string':
      return value.length * 2;
    case 'number':
    case 'bigint':
      return 8;
    case 'boolean':
      return 4;
    default:
  }
  if (value instanceof ArrayBuffer) return value.byteLength;
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (typeof Blob !== 'undefined' && value instanceof Blob) return value.size;
  if (typeof Response !== 'undefined' && value instanceof Response) {
    return Number(value.headers.get('content-length')) || 0;
  }
  try {
    // Binary parts inside an object (a stored response's body, say) count by their bytes.
    let binary = 0;
    const text = JSON.stringify(value, (_key, part: unknown) => {
      if (part instanceof ArrayBuffer || ArrayBuffer.isView(part) || (typeof Blob !== 'undefined' && part instanceof Blob)) {
        binary += part instanceof Blob ? part.size : part.byteLength;
        return null;
      }
      return part;
    });
    return (text?.length ?? 0) * 2 + binary;
  } catch {
    // cycles or bigints inside: the size is only informative
    return 0;
  }
}
