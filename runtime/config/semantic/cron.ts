import { validateDetailed } from 'node-cron';

/**
 * Why a cron expression cannot be scheduled, or undefined. node-cron, which runs the schedules,
 * is the judge: 5 fields (minute hour day-of-month month day-of-week), 6 with seconds first, or a
 * macro like @daily.
 */
export function cronProblem(expression: string): string | undefined {
  const result = validateDetailed(expression.trim());
  if (result.valid) return undefined;
  const [first] = result.errors;
  const detail =
    first?.field === 'expression'
      ? 'must have 5 cron fields (minute hour day-of-month month day-of-week), or 6 with seconds first'
      : `the ${first?.field ?? 'a'} field '${first?.value ?? ''}' is not valid for cron`;
  return `${detail} (in '${expression.trim()}')`;
}
