/**
 * A `Range` request answered from a stored whole response (RFC 9110 §14): one byte range
 * (`bytes=0-1`, `bytes=5-`, `bytes=-3`) becomes a `206 Partial Content` with its
 * `Content-Range`; what cannot be served as one satisfiable range (several ranges, other
 * units, past the end) gets the whole response, as a server that ignores `Range` may answer.
 */

/**
 * The part of `whole` (a stored 200) that `range` asks for.
 * @example await answerRange(stored, 'bytes=0-1') // 206, Content-Range: bytes 0-1/11
 */
export async function answerRange(whole: Response, range: string): Promise<Response> {
  const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  if (whole.status !== 200 || !match || (match[1] === '' && match[2] === '')) return whole;
  const body = await whole.blob();
  const size = body.size;
  let start: number;
  let end: number;
  if (match[1] === '') {
    // A suffix: the last N bytes.
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  const headers = new Headers(whole.headers);
  if (start > end || start >= size) return new Response(body, { status: 200, statusText: whole.statusText, headers });
  headers.set('Content-Range', `bytes ${start}-${end}/${size}`);
  headers.set('Content-Length', String(end - start + 1));
  return new Response(body.slice(start, end + 1), { status: 206, statusText: 'Partial Content', headers });
}
