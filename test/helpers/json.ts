/**
 * JSON that a command printed or wrote, read as the type the project declares for it: a test that
 * reads a field the type lacks does not compile. (The public shapes are also checked against their
 * schemas in specs/ where a test is about the shape.)
 */
export function parseAs<T>(text: string): T {
  return JSON.parse(text) as T;
}
