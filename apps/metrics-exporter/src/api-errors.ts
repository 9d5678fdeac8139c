/** An operator API failure: HTTP status, a stable machine code and a sentence saying what to do. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The one JSON shape of every API error. */
export interface ApiErrorBody {
  error: { code: string; message: string };
}

export const errorBody = (code: string, message: string): ApiErrorBody => ({ error: { code, message } });
