import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a Linear delivery's signed timestamp may be from now (Linear's own guidance: one minute). */
export const LINEAR_MAX_SKEW_MS = 60_000;

/** True when `signature` (the `Linear-Signature` header) is the hex HMAC-SHA256 of the raw body with `secret`. */
export function linearSignatureValid(secret: string, rawBody: string, signature: string | undefined): boolean {
  if (!signature || !/^[0-9a-f]{64}$/i.test(signature)) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
}

/** True when the body's signed `webhookTimestamp` (ms) is within the allowed skew: an old delivery replayed is refused. */
export function linearTimestampFresh(payload: { webhookTimestamp?: unknown }, now = Date.now()): boolean {
  const ts = payload.webhookTimestamp;
  return typeof ts === 'number' && Number.isFinite(ts) && Math.abs(now - ts) <= LINEAR_MAX_SKEW_MS;
}
