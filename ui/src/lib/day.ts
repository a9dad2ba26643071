/** Today in the profile's time zone, YYYY-MM-DD (the entry box's default day). */
export function localToday(timeZone: string | null | undefined, now: Date = new Date()): string {
  const format = (tz: string | undefined): string =>
    new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
  try {
    return format(timeZone ?? undefined);
  } catch {
    // An unknown zone name: the machine's day.
    return format(undefined);
  }
}
