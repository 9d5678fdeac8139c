/** The key names no ticket on the board (or is not a valid key at all, which amounts to the same). */
export class TicketNotFoundError extends Error {
  override readonly name = 'TicketNotFoundError';

  constructor(
    readonly key: string,
    readonly board: string,
  ) {
    super(
      `Ticket ${JSON.stringify(key)} does not exist on the local board at ${board}: check the key (list the board to see valid ones).`,
    );
  }
}
