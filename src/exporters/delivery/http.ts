// One JSON POST, classified for the delivery queue: 2xx delivered; 408, 429 and 5xx worth retrying;
// other 4xx permanent (the receiver will not accept this body however often it is sent).

import { DeliveryError, PermanentDeliveryError } from './delivery-queue.js';

export async function postJson(url: string, body: unknown, signal: AbortSignal, headers: Record<string, string> = {}): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal,
  });
  // Drain the body so the connection is reused; its text is the receiver's, shown only for 4xx.
  const text = await response.text().catch(() => '');
  if (response.ok) return;
  const status = `HTTP ${response.status}`;
  if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
    throw new PermanentDeliveryError(`${status}: ${text.slice(0, 200)}`);
  }
  throw new DeliveryError(status);
}
