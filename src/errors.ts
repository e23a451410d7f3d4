/**
 * Domain errors, one small class each. They carry what went wrong in Chinese and
 * English; only the HTTP error handler maps them to status codes.
 */
import type { Text } from './domain/i18n.js';

export interface Problem {
  path: string;
  message: string;
}

export abstract class DubanError extends Error {
  abstract readonly code: string;
  constructor(readonly text: Text) {
    super(text.en);
  }
}

/** The input is malformed: every problem, each with its path. Nothing was changed. */
export class InvalidInputError extends DubanError {
  readonly code = 'invalid_input';
  constructor(
    readonly problems: Problem[],
    text: Text = { zh: '输入有误，未做任何更改', en: 'The input is invalid; nothing was changed' },
  ) {
    super(text);
  }
}

export class NotFoundError extends DubanError {
  readonly code = 'not_found';
}

export class UnauthenticatedError extends DubanError {
  readonly code = 'unauthenticated';
}

/** The caller is known but the rule named in the text forbids the action. */
export class ForbiddenError extends DubanError {
  readonly code = 'forbidden';
}

/** The entity's state does not take this event; `accepted` lists the ones it does. */
export class EventNotAcceptedError extends DubanError {
  readonly code = 'event_not_accepted';
  constructor(
    readonly event: string,
    readonly state: unknown,
    readonly accepted: string[],
  ) {
    super({
      zh: `当前状态不接受事件 ${event}；可接受：${accepted.join('、') || '无'}`,
      en: `The current state does not take ${event}; it takes: ${accepted.join(', ') || 'nothing'}`,
    });
  }
}

/** The state would take the event, but a rule of supervision refuses it now (an extension asked after the deadline). */
export class RefusedError extends DubanError {
  readonly code = 'refused';
}

/** Concurrent writers kept winning; the caller may retry. */
export class ConflictError extends DubanError {
  readonly code = 'conflict';
}

/** The thing was here and has gone for good (a plan archived out of Redis); the text says where to. */
export class GoneError extends DubanError {
  readonly code = 'gone';
}

/** The thing already exists (a plan id in use). */
export class AlreadyExistsError extends DubanError {
  readonly code = 'already_exists';
}

/** A service Duban depends on (Redis) cannot be reached or did not answer in time; the caller may retry. */
export class ServiceUnavailableError extends DubanError {
  readonly code = 'unavailable';
}

/** Too many failed attempts (sign-in) from this login or address; the caller may retry later. */
export class TooManyAttemptsError extends DubanError {
  readonly code = 'too_many_attempts';
}
