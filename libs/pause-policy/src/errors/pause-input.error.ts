/** A pause or resume named an agent account the config does not have. */
export class UnknownAccountError extends Error {
  override name = 'UnknownAccountError';
}

/** A pause length that is not like 90s, 30m, 2h or 1d. */
export class BadDurationError extends Error {
  override name = 'BadDurationError';
}

/** A retry the ticket's state or spent attempts do not allow; the message says what to do instead. */
export class RetryRefusedError extends Error {
  override name = 'RetryRefusedError';
}
