import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DatabaseUnavailableError } from '../database/database-unavailable.error.js';
import { accountsApiError } from './accounts-api-errors.js';
import {
  ApiError,
  InvalidTokenError,
  MissingTokenError,
  ServiceUnavailableError,
} from './api-error.js';
import { BusyError } from './busy.error.js';
import { ClientGoneError } from './request-context.js';

const CODE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'invalid_request',
  401: 'invalid_token',
  403: 'access_denied',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'request_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
};

/** Errors thrown by body-parser (http-errors) carry a status and are safe to describe. */
interface HttpErrorLike {
  status: number;
  expose: boolean;
  message: string;
}

function isHttpErrorLike(error: unknown): error is HttpErrorLike {
  return (
    error instanceof Error &&
    typeof (error as Partial<HttpErrorLike>).status === 'number' &&
    (error as Partial<HttpErrorLike>).expose === true
  );
}

interface ErrorBody {
  error: string;
  error_description: string;
  fields?: Readonly<Record<string, readonly string[]>>;
}

function fromHttpException(exception: HttpException): ApiError {
  const status = exception.getStatus();
  const response = exception.getResponse();
  let description = exception.message;
  if (typeof response === 'object' && response !== null && 'message' in response) {
    const message = response.message;
    description = Array.isArray(message) ? message.join('; ') : String(message);
  }
  return new ApiError(status, CODE_BY_STATUS[status] ?? 'server_error', description);
}

/**
 * The one exception filter: every error leaves as JSON `{error, error_description}` with the right
 * status, never a stack trace. Domain errors that reach it get the accounts API's answers
 * (accounts-api-errors.ts); DynamoDB being unreachable or a full queue (BusyError) is a 503 for
 * every API; anything unexpected is logged and leaves as a bare 500 `server_error`.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const request = host.switchToHttp().getRequest<Request | undefined>();
    let error = this.toApiError(exception);
    // RFC 6750 §3.1: a request that sent no credentials at all gets the bare challenge, wherever
    // the refusal came from (the bearer guard, or a route that checks its token itself).
    if (error instanceof InvalidTokenError && request?.headers.authorization === undefined) {
      error = new MissingTokenError();
    }
    const body: ErrorBody = { error: error.error, error_description: error.description };
    if (error.options.fields) body.fields = error.options.fields;
    if (response.headersSent) return;
    response.status(error.status);
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('Pragma', 'no-cache');
    for (const [name, value] of Object.entries(error.options.headers ?? {})) {
      response.setHeader(name, value);
    }
    response.json(body);
  }

  private toApiError(exception: unknown): ApiError {
    if (exception instanceof ApiError) return exception;
    const domain = accountsApiError(exception);
    if (domain) return domain;
    if (exception instanceof HttpException) return fromHttpException(exception);
    if (isHttpErrorLike(exception) && exception.status < 500) {
      return new ApiError(
        exception.status,
        CODE_BY_STATUS[exception.status] ?? 'invalid_request',
        exception.message,
      );
    }
    if (exception instanceof DatabaseUnavailableError) {
      this.logger.warn(exception.message);
      return new ServiceUnavailableError();
    }
    if (exception instanceof BusyError) {
      this.logger.warn(exception.message);
      return new ServiceUnavailableError(
        'the server is busy; try again shortly',
        exception.retryAfterSeconds,
      );
    }
    if (exception instanceof ClientGoneError) {
      // Nobody reads this answer; 499 (nginx's "client closed request") keeps it out of the 5xx
      // counts and tells the log what happened.
      return new ApiError(499, 'client_closed_request', exception.message);
    }
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    return new ApiError(500, 'server_error', 'the server could not complete the request');
  }
}
