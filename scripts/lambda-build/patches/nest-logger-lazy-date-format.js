// Nest's Logger and ConsoleLogger each build an Intl.DateTimeFormat when imported: loading ICU's
// locale data costs ~40 ms, for loggers that print only until pino takes over. Built on first use.
import { sourcePatch } from '../source-patch.js';

export const nestLoggerLazyDateFormat = sourcePatch({
  name: 'nest-logger-lazy-date-format',
  file: /@nestjs[\\/]common[\\/]services[\\/](console-)?logger\.service\.js$/,
  files: 2,
  replace: [
    [
      'const dateTimeFormatter = new Intl.DateTimeFormat(',
      'let __dateTimeFormatter;\nconst __newDateTimeFormatter = () => new Intl.DateTimeFormat(',
    ],
    [
      'dateTimeFormatter.format(Date.now())',
      '(__dateTimeFormatter ??= __newDateTimeFormatter()).format(Date.now())',
    ],
  ],
});
