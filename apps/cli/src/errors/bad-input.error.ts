/** A command's argument names nothing that exists (an unknown state, ticket or run): its message says what to do. */
export class BadInputError extends Error {
  override readonly name = 'BadInputError';
}
