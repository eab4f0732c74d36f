const MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const FIELD = /^[0-9A-Za-z*?,/#\-LW]+$/;

/**
 * Why a cron expression cannot be right, or undefined. Only the shape is checked (5
 * fields, or 6 with seconds first, or a macro like @daily); the scheduler that parses it
 * reports finer mistakes.
 */
export function cronProblem(expression: string): string | undefined {
  const trimmed = expression.trim();
  if (MACROS.has(trimmed)) return undefined;
  const fields = trimmed.split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) {
    return `must have 5 cron fields (minute hour day-of-month month day-of-week), or 6 with seconds first (got ${fields.length}: '${trimmed}')`;
  }
  const bad = fields.find((field) => !FIELD.test(field));
  return bad === undefined
    ? undefined
    : `cron field '${bad}' has characters cron does not use (in '${trimmed}')`;
}
