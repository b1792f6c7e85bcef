/** Numbers of the plan written back in the language's units: 86400 seconds as `1d`, 20000000 tokens as `20M`. */

/** Seconds as a duration literal (`1h30m`). */
export function duration(seconds: number): string {
  const parts: string[] = [];
  for (const [unit, n] of [
    ["d", 86400],
    ["h", 3600],
    ["m", 60],
    ["s", 1],
  ] as const) {
    if (seconds >= n) {
      parts.push(`${Math.floor(seconds / n)}${unit}`);
      seconds %= n;
    }
  }
  return parts.join("") || "0s";
}

/** A count as a quantity literal (`16k`, `1.5M`) where one is exact. */
export function quantity(n: number): string {
  for (const [unit, v] of [
    ["G", 1e9],
    ["M", 1e6],
    ["k", 1e3],
  ] as const)
    if (n >= v && n % (v / 10) === 0) return `${n / v}${unit}`;
  return String(n);
}

/** Dollars as a money literal (`$12.5`). */
export function money(usd: number): string {
  return `$${usd}`;
}
