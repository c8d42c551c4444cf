import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { BadRequestError } from './api-error.js';

function collect(errors: readonly ValidationError[], prefix = ''): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const error of errors) {
    const name = prefix + error.property;
    if (error.constraints) fields[name] = Object.values(error.constraints);
    Object.assign(fields, collect(error.children ?? [], `${name}.`));
  }
  return fields;
}

/** DTO validation: unknown fields refused, and a 400 that names each field and its problem. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: true,
    exceptionFactory: (errors) => {
      const fields = collect(errors);
      const description = Object.values(fields).flat().join('; ') || 'the request body is invalid';
      return new BadRequestError(description, fields);
    },
  });
}
