// Zod issues in one readable line: used wherever input is checked (HTTP requests, mapper output).
import type { z } from 'zod';

/** `cardKeys.0: Invalid string…; customer.email: Invalid input…`, capped so a huge input cannot make a huge message. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], max = 10): string {
  const lines = issues.slice(0, max).map((issue) => `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`);
  if (issues.length > max) lines.push(`and ${issues.length - max} more`);
  return lines.join('; ');
}
